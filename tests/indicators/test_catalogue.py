# ruff: noqa: RUF001 - the seed's typography is kept verbatim.
"""The catalogue holds every indicator of seed 004, in French and English, ready to add."""

from pathlib import Path

import pytest

from indicators.catalogue import BY_CODE, TEMPLATES
from indicators.models import Indicator, Kind
from indicators.services import indicator_add_from_template

# The three lists of seed 004, verbatim ("Les indicateurs de performances").
SEED_QUANTITATIVE = [
    "Le chiffre d’affaires réalisé",
    "Les prévisions de CA ou de volume",
    "Le panier moyen par client ou par affaire",
    "Le nombre ou la fréquence des interactions commerciales",
    "Le nombre de leads reçus",
    "Le nombre de rendez-vous de prospections réalisés",
    "Le nombre de ventes en cours",
    "Le nombre de nouveaux clients",
    "Le nombre de ventes conclues",
]
SEED_QUALITATIVE = [
    "Qualification du fichier prospects (critères à personnaliser)",
    "Information clé sur le prospect ou sur ses besoins",
    "Qualification de la cause de la perte ou du gain d’une affaire",
    "Niveau de satisfaction client (échelle à définir)",
    "Motifs des réclamations, retours produits…",
]
SEED_RATES = [
    "Conversion d’un prospect en client",
    "Prise de rendez-vous obtenus/tentés",
    "Taux de fidélité des clients",
    "Attrition (%de perte clients)",
    "Reconquête clients/clients portefeuille",
    "Taux de conquête",
    "Efficacité entre les devis et les contrats signés",
]


def _seed_file():
    # The team's shared/seeds when it is beside the checkout, else the copy under docs/seeds/.
    parents = Path(__file__).resolve().parents
    folders = [p / "shared" / "seeds" for p in parents] + [parents[2] / "docs" / "seeds"]
    for folder in folders:
        found = sorted(folder.glob("004_*.txt")) if folder.is_dir() else []
        if found:
            return found[0]
    return None


def test_the_lists_above_are_the_seed_s_own():
    seed = _seed_file()
    assert seed is not None, "no seed text: neither shared/seeds nor docs/seeds"
    text = seed.read_text().replace("\xa0", " ")  # the seed uses non-breaking spaces
    for line in SEED_QUANTITATIVE + SEED_QUALITATIVE + SEED_RATES:
        assert line in text, line


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (SEED_QUANTITATIVE, Kind.QUANTITATIVE),
        (SEED_QUALITATIVE, Kind.QUALITATIVE),
        (SEED_RATES, Kind.RATE),
    ],
)
def test_every_seed_indicator_is_a_template_of_its_kind(lines, kind):
    by_seed = {t.seed: t for t in TEMPLATES if t.seed}
    for line in lines:
        assert line in by_seed, line
        assert by_seed[line].kind == kind, line
    assert len([t for t in TEMPLATES if t.seed and t.kind == kind]) == len(lines)


def test_every_template_is_complete_in_both_languages():
    for t in TEMPLATES:
        assert t.name_fr and t.name_en and t.definition_fr and t.definition_en, t.code
        assert t.unit and t.direction and t.aggregation and t.cadence, t.code
        if t.kind == Kind.RATE:
            for part in (t.numerator, t.denominator):
                assert BY_CODE[part].kind == Kind.QUANTITATIVE, (t.code, part)
        if t.qualitative_mode == "categories":
            assert len(t.categories_fr) == len(t.categories_en) >= 2


def test_churn_is_lower_is_better():
    assert BY_CODE["churn_rate"].direction == "lower"


@pytest.mark.django_db
def test_adding_a_rate_adds_its_parts_once(plan, manager):
    with __import__("django").utils.translation.override("fr"):
        churn = indicator_add_from_template(plan=plan, code="churn_rate", by=manager)
        loyalty = indicator_add_from_template(plan=plan, code="loyalty_rate", by=manager)
    assert churn.name == "Attrition (% de perte clients)"
    assert churn.numerator.template_code == "customers_lost"
    assert churn.denominator == loyalty.denominator  # the portfolio is shared, not duplicated
    assert Indicator.objects.filter(plan=plan).count() == 5


@pytest.mark.django_db
def test_every_template_can_be_added_to_a_plan(plan, manager):
    for t in TEMPLATES:
        ind = indicator_add_from_template(plan=plan, code=t.code, by=manager)
        assert ind.template_code == t.code
