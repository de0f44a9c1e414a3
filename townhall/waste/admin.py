from townhall.waste import bulky_admin  # noqa: F401 - the item catalogue and price bands
from townhall.waste.containers import admin as containers_admin  # noqa: F401 - the container rules
