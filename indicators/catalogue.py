# ruff: noqa: RUF001 - the seed's own typography (curly apostrophes) is kept verbatim.
"""The catalogue: every indicator of seed 004 as a ready template, in French and English.

``seed`` is the line of seed 004 a template comes from (the completeness test compares the
catalogue against the seed's three lists). Rates name their numerator and denominator by
code; adding a rate to a plan adds its parts too when the plan lacks them. Templates without
``seed`` are the parts rates need and the internal indicators computed from actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from .models import Aggregation, Cadence, Computation, Direction, Kind, QualitativeMode, Unit


@dataclass(frozen=True)
class IndicatorTemplate:
    code: str
    name_fr: str
    name_en: str
    kind: str
    unit: str
    direction: str
    aggregation: str
    cadence: str
    definition_fr: str
    definition_en: str
    source_fr: str = ""
    source_en: str = ""
    seed: str = ""
    numerator: str = ""
    denominator: str = ""
    qualitative_mode: str = ""
    scale_min: int | None = None
    scale_max: int | None = None
    scale_labels: tuple[str, ...] = ()
    categories_fr: tuple[str, ...] = field(default=())
    categories_en: tuple[str, ...] = field(default=())
    computation: str = ""

    def _fr(self) -> bool:
        return (get_language() or "fr").startswith("fr")

    @property
    def name(self) -> str:
        return self.name_fr if self._fr() else self.name_en

    @property
    def definition(self) -> str:
        return self.definition_fr if self._fr() else self.definition_en

    @property
    def source(self) -> str:
        return self.source_fr if self._fr() else self.source_en

    @property
    def categories(self) -> list[str]:
        return list(self.categories_fr if self._fr() else self.categories_en)

    @property
    def unit_label(self) -> str:
        return Unit(self.unit).label if self.unit else ""

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label

    @property
    def aggregation_label(self) -> str:
        return Aggregation(self.aggregation).label


Q, QL, R = Kind.QUANTITATIVE, Kind.QUALITATIVE, Kind.RATE
EUR, N, PCT, DAYS, SCORE = Unit.EUR, Unit.COUNT, Unit.PERCENT, Unit.DAYS, Unit.SCORE
UP, DOWN = Direction.HIGHER, Direction.LOWER
SUM, AVG, LAST = Aggregation.SUM, Aggregation.AVERAGE, Aggregation.LAST
W, M, QT = Cadence.WEEKLY, Cadence.MONTHLY, Cadence.QUARTERLY
CRM_FR, CRM_EN = "CRM", "CRM"

TEMPLATES: list[IndicatorTemplate] = [
    # ---- Quantitative (seed 004, "Les indicateurs quantitatifs") ----
    IndicatorTemplate(
        "revenue",
        "Chiffre d'affaires réalisé",
        "Revenue achieved",
        Q,
        EUR,
        UP,
        SUM,
        W,
        "Chiffre d'affaires HT des commandes signées sur la période.",
        "Revenue (excl. VAT) of the orders signed in the period.",
        "CRM / facturation",
        "CRM / invoicing",
        seed="Le chiffre d’affaires réalisé",
    ),
    IndicatorTemplate(
        "revenue_forecast",
        "Prévisions de CA ou de volume",
        "Revenue or volume forecast",
        Q,
        EUR,
        UP,
        LAST,
        M,
        "Montant pondéré des affaires attendues d'ici la fin de la période.",
        "Weighted amount of the deals expected by the end of the period.",
        "CRM (pipeline pondéré)",
        "CRM (weighted pipeline)",
        seed="Les prévisions de CA ou de volume",
    ),
    IndicatorTemplate(
        "average_basket",
        "Panier moyen par client ou par affaire",
        "Average basket per customer or deal",
        Q,
        EUR,
        UP,
        AVG,
        M,
        "Montant moyen HT d'une affaire signée.",
        "Average amount (excl. VAT) of a signed deal.",
        "CRM / facturation",
        "CRM / invoicing",
        seed="Le panier moyen par client ou par affaire",
    ),
    IndicatorTemplate(
        "sales_interactions",
        "Nombre d'interactions commerciales",
        "Sales interactions",
        Q,
        N,
        UP,
        SUM,
        W,
        "Appels, courriels et visites tracés avec un client ou un prospect.",
        "Calls, emails and visits logged with a customer or prospect.",
        CRM_FR,
        CRM_EN,
        seed="Le nombre ou la fréquence des interactions commerciales",
    ),
    IndicatorTemplate(
        "leads_received",
        "Nombre de leads reçus",
        "Leads received",
        Q,
        N,
        UP,
        SUM,
        W,
        "Demandes entrantes qualifiées attribuées au commercial.",
        "Qualified inbound requests assigned to the rep.",
        "CRM / marketing",
        "CRM / marketing",
        seed="Le nombre de leads reçus",
    ),
    IndicatorTemplate(
        "prospecting_meetings",
        "Rendez-vous de prospection réalisés",
        "Prospecting meetings held",
        Q,
        N,
        UP,
        SUM,
        W,
        "Rendez-vous tenus avec un prospect (physiques ou visio).",
        "Meetings held with a prospect (in person or video).",
        "Agenda / CRM",
        "Calendar / CRM",
        seed="Le nombre de rendez-vous de prospections réalisés",
    ),
    IndicatorTemplate(
        "deals_in_progress",
        "Nombre de ventes en cours",
        "Deals in progress",
        Q,
        N,
        UP,
        LAST,
        W,
        "Affaires ouvertes dans le pipeline à la date du relevé.",
        "Open deals in the pipeline on the day of the measurement.",
        CRM_FR,
        CRM_EN,
        seed="Le nombre de ventes en cours",
    ),
    IndicatorTemplate(
        "new_customers",
        "Nombre de nouveaux clients",
        "New customers",
        Q,
        N,
        UP,
        SUM,
        W,
        "Clients ayant passé leur première commande sur la période.",
        "Customers who placed their first order in the period.",
        CRM_FR,
        CRM_EN,
        seed="Le nombre de nouveaux clients",
    ),
    IndicatorTemplate(
        "deals_closed",
        "Nombre de ventes conclues",
        "Deals closed",
        Q,
        N,
        UP,
        SUM,
        W,
        "Affaires signées sur la période.",
        "Deals signed in the period.",
        CRM_FR,
        CRM_EN,
        seed="Le nombre de ventes conclues",
    ),
    # ---- Qualitative (seed 004, "Les indicateurs qualitatifs") ----
    IndicatorTemplate(
        "prospect_file_quality",
        "Qualification du fichier prospects",
        "Prospect file qualification",
        QL,
        SCORE,
        UP,
        AVG,
        M,
        "Part des critères de qualification renseignés (critères à personnaliser), notée de 1 à 5.",
        "Share of the qualification criteria filled in (criteria to customise), scored 1 to 5.",
        CRM_FR,
        CRM_EN,
        seed="Qualification du fichier prospects (critères à personnaliser)",
        qualitative_mode=QualitativeMode.SCALE,
        scale_min=1,
        scale_max=5,
    ),
    IndicatorTemplate(
        "prospect_key_information",
        "Information clé sur le prospect ou ses besoins",
        "Key information on the prospect or their needs",
        QL,
        SCORE,
        UP,
        AVG,
        M,
        "Niveau de connaissance du besoin du prospect (1 : inconnu, 5 : besoin, budget, "
        "décideur et échéance connus).",
        "How well the prospect's need is known (1: unknown, 5: need, budget, decision maker and "
        "deadline known).",
        CRM_FR,
        CRM_EN,
        seed="Information clé sur le prospect ou sur ses besoins",
        qualitative_mode=QualitativeMode.SCALE,
        scale_min=1,
        scale_max=5,
    ),
    IndicatorTemplate(
        "deal_outcome_cause",
        "Cause de la perte ou du gain d'une affaire",
        "Cause of a lost or won deal",
        QL,
        PCT,
        DOWN,
        SUM,
        M,
        "Motif principal relevé à la clôture de chaque affaire perdue ; l'objectif porte sur "
        "la part d'une cause (par exemple le prix).",
        "Main reason recorded when each lost deal is closed; the target is the share of one "
        "cause (for example price).",
        CRM_FR,
        CRM_EN,
        seed="Qualification de la cause de la perte ou du gain d’une affaire",
        qualitative_mode=QualitativeMode.CATEGORIES,
        categories_fr=("Prix", "Calendrier", "Concurrent", "Pas de besoin", "Autre"),
        categories_en=("Price", "Timing", "Competitor", "No need", "Other"),
    ),
    IndicatorTemplate(
        "customer_satisfaction",
        "Niveau de satisfaction client",
        "Customer satisfaction",
        QL,
        SCORE,
        UP,
        AVG,
        M,
        "Note de satisfaction donnée par le client (échelle à définir : 1 à 5 par défaut).",
        "Satisfaction score given by the customer (scale to define: 1 to 5 by default).",
        "Enquête de satisfaction",
        "Satisfaction survey",
        seed="Niveau de satisfaction client (échelle à définir)",
        qualitative_mode=QualitativeMode.SCALE,
        scale_min=1,
        scale_max=5,
    ),
    IndicatorTemplate(
        "complaint_reasons",
        "Motifs des réclamations et retours produits",
        "Reasons for complaints and product returns",
        QL,
        PCT,
        DOWN,
        SUM,
        M,
        "Motif de chaque réclamation ou retour ; l'objectif porte sur la part d'un motif.",
        "Reason of each complaint or return; the target is the share of one reason.",
        "Service client",
        "Customer service",
        seed="Motifs des réclamations, retours produits…",
        qualitative_mode=QualitativeMode.CATEGORIES,
        categories_fr=("Délai", "Qualité", "Facturation", "Erreur de commande", "Autre"),
        categories_en=("Delay", "Quality", "Invoicing", "Order error", "Other"),
    ),
    # ---- Rates (seed 004, "Les indicateurs par rapport à des taux") ----
    IndicatorTemplate(
        "conversion_rate",
        "Taux de conversion prospect → client",
        "Prospect to customer conversion rate",
        R,
        PCT,
        UP,
        SUM,
        M,
        "Nouveaux clients / prospects travaillés sur la période.",
        "New customers / prospects worked in the period.",
        seed="Conversion d’un prospect en client",
        numerator="new_customers",
        denominator="prospects_worked",
    ),
    IndicatorTemplate(
        "meeting_rate",
        "Rendez-vous obtenus / tentés",
        "Meetings obtained / attempted",
        R,
        PCT,
        UP,
        SUM,
        W,
        "Rendez-vous obtenus / prises de rendez-vous tentées.",
        "Meetings obtained / meeting requests attempted.",
        seed="Prise de rendez-vous obtenus/tentés",
        numerator="meetings_obtained",
        denominator="meetings_attempted",
    ),
    IndicatorTemplate(
        "loyalty_rate",
        "Taux de fidélité des clients",
        "Customer loyalty rate",
        R,
        PCT,
        UP,
        SUM,
        QT,
        "Clients ayant recommandé sur la période / clients du portefeuille.",
        "Customers who ordered again in the period / customers in the portfolio.",
        seed="Taux de fidélité des clients",
        numerator="customers_retained",
        denominator="portfolio_customers",
    ),
    IndicatorTemplate(
        "churn_rate",
        "Attrition (% de perte clients)",
        "Churn (% of customers lost)",
        R,
        PCT,
        DOWN,
        SUM,
        QT,
        "Clients perdus / clients du portefeuille.",
        "Customers lost / customers in the portfolio.",
        seed="Attrition (%de perte clients)",
        numerator="customers_lost",
        denominator="portfolio_customers",
    ),
    IndicatorTemplate(
        "win_back_rate",
        "Reconquête clients / clients portefeuille",
        "Win-back / customers in portfolio",
        R,
        PCT,
        UP,
        SUM,
        QT,
        "Anciens clients reconquis / clients du portefeuille.",
        "Former customers won back / customers in the portfolio.",
        seed="Reconquête clients/clients portefeuille",
        numerator="customers_won_back",
        denominator="portfolio_customers",
    ),
    IndicatorTemplate(
        "conquest_rate",
        "Taux de conquête",
        "Conquest rate",
        R,
        PCT,
        UP,
        SUM,
        QT,
        "Nouveaux clients / clients du portefeuille.",
        "New customers / customers in the portfolio.",
        seed="Taux de conquête",
        numerator="new_customers",
        denominator="portfolio_customers",
    ),
    IndicatorTemplate(
        "quote_to_contract_rate",
        "Efficacité devis → contrats signés",
        "Quotes to signed contracts",
        R,
        PCT,
        UP,
        SUM,
        M,
        "Contrats signés / devis envoyés.",
        "Contracts signed / quotes sent.",
        seed="Efficacité entre les devis et les contrats signés",
        numerator="contracts_signed",
        denominator="quotes_sent",
    ),
    # ---- Parts of the rates ----
    IndicatorTemplate(
        "prospects_worked",
        "Prospects travaillés",
        "Prospects worked",
        Q,
        N,
        UP,
        SUM,
        W,
        "Prospects contactés au moins une fois sur la période.",
        "Prospects contacted at least once in the period.",
        CRM_FR,
        CRM_EN,
    ),
    IndicatorTemplate(
        "meetings_obtained",
        "Rendez-vous obtenus",
        "Meetings obtained",
        Q,
        N,
        UP,
        SUM,
        W,
        "Rendez-vous acceptés par le prospect.",
        "Meetings accepted by the prospect.",
        "Agenda / CRM",
        "Calendar / CRM",
    ),
    IndicatorTemplate(
        "meetings_attempted",
        "Prises de rendez-vous tentées",
        "Meeting requests attempted",
        Q,
        N,
        UP,
        SUM,
        W,
        "Appels ou courriels de demande de rendez-vous.",
        "Calls or emails asking for a meeting.",
        CRM_FR,
        CRM_EN,
    ),
    IndicatorTemplate(
        "portfolio_customers",
        "Clients en portefeuille",
        "Customers in portfolio",
        Q,
        N,
        UP,
        SUM,
        QT,
        "Clients actifs du portefeuille en début de période (un relevé par période).",
        "Active customers in the portfolio at the start of the period (one figure per period).",
        CRM_FR,
        CRM_EN,
    ),
    IndicatorTemplate(
        "customers_retained",
        "Clients fidélisés",
        "Customers retained",
        Q,
        N,
        UP,
        SUM,
        QT,
        "Clients du portefeuille ayant recommandé.",
        "Portfolio customers who ordered again.",
        CRM_FR,
        CRM_EN,
    ),
    IndicatorTemplate(
        "customers_lost",
        "Clients perdus",
        "Customers lost",
        Q,
        N,
        DOWN,
        SUM,
        QT,
        "Clients sans commande depuis douze mois ou ayant résilié.",
        "Customers with no order for twelve months or who cancelled.",
        CRM_FR,
        CRM_EN,
    ),
    IndicatorTemplate(
        "customers_won_back",
        "Clients reconquis",
        "Customers won back",
        Q,
        N,
        UP,
        SUM,
        QT,
        "Anciens clients ayant recommandé sur la période.",
        "Former customers who ordered again in the period.",
        CRM_FR,
        CRM_EN,
    ),
    IndicatorTemplate(
        "quotes_sent",
        "Devis envoyés",
        "Quotes sent",
        Q,
        N,
        UP,
        SUM,
        W,
        "Devis envoyés aux clients et prospects.",
        "Quotes sent to customers and prospects.",
        CRM_FR,
        CRM_EN,
    ),
    IndicatorTemplate(
        "contracts_signed",
        "Contrats signés",
        "Contracts signed",
        Q,
        N,
        UP,
        SUM,
        W,
        "Contrats signés sur la période.",
        "Contracts signed in the period.",
        CRM_FR,
        CRM_EN,
    ),
    # ---- Internal indicators, computed from the plan's actions ----
    IndicatorTemplate(
        "actions_completed",
        "Actions réalisées",
        "Actions completed",
        Q,
        N,
        UP,
        SUM,
        W,
        "Actions des leviers liés terminées sur la période.",
        "Actions of the linked levers completed in the period.",
        "Plan d'action (calculé)",
        "Action plan (computed)",
        computation=Computation.ACTIONS_COMPLETED,
    ),
    IndicatorTemplate(
        "actions_on_time",
        "Actions réalisées dans les délais",
        "Actions done on time",
        Q,
        PCT,
        UP,
        LAST,
        W,
        "Part des actions échues des leviers liés terminées avant leur première échéance.",
        "Share of the due actions of the linked levers done by their first due date.",
        "Plan d'action (calculé)",
        "Action plan (computed)",
        computation=Computation.ACTIONS_ON_TIME,
    ),
]

BY_CODE: dict[str, IndicatorTemplate] = {t.code: t for t in TEMPLATES}


def get_template(code: str) -> IndicatorTemplate | None:
    return BY_CODE.get(code)


def templates_by_kind() -> list[tuple[str, list[IndicatorTemplate]]]:
    """The catalogue grouped for display: quantitative, qualitative, rates, then the rest."""
    groups = [
        (Kind.QUANTITATIVE.label, [t for t in TEMPLATES if t.kind == Q and t.seed]),
        (Kind.QUALITATIVE.label, [t for t in TEMPLATES if t.kind == QL]),
        (Kind.RATE.label, [t for t in TEMPLATES if t.kind == R]),
    ]
    from django.utils.translation import gettext

    groups.append(
        (gettext("Parts of rates and internal indicators"), [t for t in TEMPLATES if not t.seed])
    )
    return groups
