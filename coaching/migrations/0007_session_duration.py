"""A training session gets its own duration; existing sessions take their training's."""

import decimal

import django.core.validators
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_training(apps, schema_editor):
    Session = apps.get_model("coaching", "TrainingSession")
    Training = apps.get_model("coaching", "Training")
    hours = Training.objects.filter(pk=OuterRef("training_id")).values("duration_hours")[:1]
    Session.objects.update(duration_hours=Subquery(hours))


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0006_payout_explanations"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingsession",
            name="duration_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                default=decimal.Decimal("1"),
                help_text="In hours: 3.5 for a half day, 7 for a day. Empty: the training's.",
                max_digits=5,
                validators=[
                    django.core.validators.MinValueValidator(
                        decimal.Decimal("0.5"),
                        message="A session lasts at least half an hour (0.5).",
                    ),
                    django.core.validators.MaxValueValidator(
                        decimal.Decimal("200"), message="A session lasts at most 200 hours."
                    ),
                ],
                verbose_name="duration (hours)",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(from_training, migrations.RunPython.noop),
    ]
