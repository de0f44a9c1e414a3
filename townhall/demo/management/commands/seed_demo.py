import time

from django.core.management.base import BaseCommand, CommandError

from townhall.demo.builder import SCALES, build_demo, is_seeded


class Command(BaseCommand):
    help = "Build the fictional Borough of Wexmoor: gazetteer, services, staff, residents and their requests."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database already has services.")

    def handle(self, *args, scale: str, seed: int, if_empty: bool, **options):
        if is_seeded():
            if if_empty:
                self.stdout.write("The demo borough is already built.")
                return
            raise CommandError("The database already has services; seed_demo builds into an empty database.")
        started = time.monotonic()
        self.stdout.write(f"Building the demo borough ({scale} scale); this takes a minute the first time...")
        counts = build_demo(scale=scale, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Built Wexmoor in {time.monotonic() - started:.0f} s: {counts['properties']} properties, "
                f"{counts['services']} services, {counts['cases']} requests."
            )
        )
