"""``manage.py evaluate_arrangement FILE.json [--year YYYY]``: the three criteria for one arrangement, as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from determinations.rules.arrangement import arrangement_from_mapping
from determinations.rules.evaluate import evaluate_arrangement
from determinations.rules.inputs import RuleInputError
from determinations.services.reference_data import year_parameters_for


class Command(BaseCommand):
    help = (
        "Evaluate the CEHRT, quality measure and financial risk criteria for an arrangement described in a JSON "
        "file (see docs/rules.md) and print the results as JSON."
    )
    requires_system_checks = []  # a read-only tool: it should work while other parts of the project are broken

    def add_arguments(self, parser):
        parser.add_argument("file", help="The arrangement, in the JSON shape docs/rules.md describes.")
        parser.add_argument("--year", type=int, help="Evaluate for this performance year instead of the file's.")

    def handle(self, *args, file, year=None, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise CommandError(f"{file}: cannot read it ({error.strerror})") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text: save it as UTF-8 JSON") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{file}: not valid JSON ({error.msg} at line {error.lineno})") from None
        try:
            arrangement = arrangement_from_mapping(data, year=year)
            params, source = year_parameters_for(arrangement.year)
            outcome = evaluate_arrangement(params, arrangement)
        except RuleInputError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(outcome.to_dict() | {"parameters_source": source}, indent=2))
