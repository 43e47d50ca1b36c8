from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.units import LISTS, units_load


class Command(BaseCommand):
    help = ("Load the districts and communes of an official list (existing ones are kept, none "
            "duplicated).")

    def add_arguments(self, parser):
        parser.add_argument("list", choices=sorted(LISTS))

    def handle(self, *args, **options):
        loaded = units_load(options["list"])
        self.stdout.write(_(
            "%(districts)s districts and %(communes)s communes added; %(kept)s communes already "
            "there kept as they were.") % {"districts": loaded.districts_added,
                                           "communes": loaded.communes_added,
                                           "kept": loaded.kept})
        for code, here, listed in loaded.elsewhere:
            self.stdout.write(_(
                "Commune %(code)s is in district %(here)s here and in %(listed)s in the list: "
                "kept in %(here)s.") % {"code": code, "here": here, "listed": listed})
