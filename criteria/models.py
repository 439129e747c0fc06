"""Versioned criteria sets. The first is "De 9 bærende principper" (Bilag 2), seeded verbatim."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CriteriaSetQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class CriteriaSet(models.Model):
    name = models.CharField(_("navn"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"))
    approved_by = models.CharField(_("godkendt af"), max_length=200)
    approved_on = models.DateField(_("godkendt den"))
    active = models.BooleanField(_("aktiv"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("kriteriesæt")
        verbose_name_plural = _("kriteriesæt")
        constraints = [
            models.UniqueConstraint(fields=["version"], name="criteria_set_version_unique"),
            # At most one active set: a review always refers to the set it was made under.
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="criteria_set_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    text = models.TextField(_("tekst"))

    class Meta:
        ordering = ["criteria_set", "order"]
        verbose_name = _("kriterium")
        verbose_name_plural = _("kriterier")
        constraints = [models.UniqueConstraint(fields=["criteria_set", "order"], name="criterion_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"
