"""Roles are Django groups. Names are the Danish role names used across the portal."""

from django.utils.translation import gettext_lazy as _

BORGER = "borger"
MEDARBEJDER = "medarbejder"
LEDER = "leder"
KRITERIEBEDOMMER = "kriteriebedømmer"
SEKRETARIAT = "sekretariat"
UDVALGSMEDLEM = "udvalgsmedlem"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    BORGER: _("Borger"),
    MEDARBEJDER: _("Medarbejder"),
    LEDER: _("Leder"),
    KRITERIEBEDOMMER: _("Kriteriebedømmer"),
    SEKRETARIAT: _("Sekretariat"),
    UDVALGSMEDLEM: _("Udvalgsmedlem"),
    ADMINISTRATOR: _("Administrator"),
}
ALL_ROLES = list(ROLE_LABELS)
# Roles whose members work inside the municipality (staff pages, staff list).
STAFF_ROLES = {MEDARBEJDER, LEDER, KRITERIEBEDOMMER, SEKRETARIAT, UDVALGSMEDLEM, ADMINISTRATOR}
