import secrets

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from facilities.services import account_create
from melinh_sxsh.lib.errors import DomainError


class Command(BaseCommand):
    help = "Create an account of one role (exit 2 with a message on bad arguments)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--commune", help="5-digit commune code, for commune officials")
        parser.add_argument("--unit", help="unit code, for unit officers")
        parser.add_argument("--district", help="3-digit district code, for the district's roles "
                                               "(the commune's, or the only district, by default)")
        parser.add_argument("--facility", action="extend", nargs="+", default=[], metavar="TAXCODE",
                            help="the facilities an enterprise account represents")
        parser.add_argument("--password", help="generated and printed when left out")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--sxsh-officer", action="store_true")

    def handle(self, *args, **options):
        password = options["password"] or secrets.token_urlsafe(12)
        try:
            user = account_create(
                tax_codes=options["facility"],
                username=options["username"], role=options["role"], password=password,
                commune_code=options["commune"], unit_code=options["unit"],
                district_code=options["district"],
                full_name=options["full_name"], is_sxsh_officer=options["sxsh_officer"],
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(f"{user.username} ({user.get_role_display()})")
        if not options["password"]:
            self.stdout.write(f"password: {password}")
