#!/usr/bin/python3
"""Generate an order CSV for `scripts/bench orders` (deterministic: random.Random(42)).

    orders_gen.py N OUT.csv END_DATE

N order lines bought over the two years before END_DATE (YYYY-MM-DD) by N/3 customers,
across 200 modules; about 5% of the lines buy extended support (3, 6 or 12 months) for a
module the customer bought earlier. Prints "lines extensions first_reference" on stdout.
"""
import datetime
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
end = datetime.date.fromisoformat(sys.argv[3])
rng = random.Random(42)
start = end - datetime.timedelta(days=730)
letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
modules = ["module_%03d" % i for i in range(200)]
customers = max(1, n // 3)
last_purchase = {}
extensions = 0
first_reference = None
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("order_reference,purchased_at,customer_email,customer_name,module,extended_months\r\n")
    for i in range(n):
        day = start + datetime.timedelta(days=(i * 730) // n)
        when = "%s %02d:%02d:%02d" % (day.isoformat(), rng.randrange(24), rng.randrange(60), rng.randrange(60))
        c = rng.randrange(customers)
        ref = "".join(letters[(i // 26 ** k) % 26] for k in range(6)) + "".join(rng.choice(letters) for _ in range(3))
        if first_reference is None:
            first_reference = ref
        key = c
        if key in last_purchase and rng.random() < 0.05:
            module = last_purchase[key]
            months = rng.choice((3, 6, 12))
            extensions += 1
        else:
            module = rng.choice(modules)
            months = ""
            last_purchase[key] = module
        name = "Cliënt %d" % c if c % 7 == 0 else "Customer %d" % c
        f.write("%s,%s,customer%d@example.com,%s,%s,%s\r\n" % (ref, when, c, name, module, months))
print(n, extensions, first_reference)
