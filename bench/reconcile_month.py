"""A generated trading period for a multi-channel retailer, with its ground truth, for
bench/reconcile.py (level 1: payouts to deposits).

Three gateways pay out daily per merchant account; every payout is the net of its settlement
transactions (charges - gateway fees - refunds), so the transactions are the payouts'
composition (level 2 is not built yet: they are only counted). The bank books a payout a few
days later (business days only); the statement also has rent, payroll, suppliers and
non-gateway credits (customer transfers, a VAT refund, interest) that must not be matched.

Planted in every full 31-day block (the "month"):
  batched    PayPal's Fri+Sat+Sun payouts arrive as one Monday deposit, per account
  split      one large Stripe payout booked as two credits
  bank_fee   three deposits short by a receiving fee (1.50, 2.50, 0.75)     -> discrepancy
  missing    one Square payout that never reaches the bank                     -> discrepancy
  duplicate  one Stripe payout recorded twice, one deposit                     -> discrepancy
  refund     a refund after payout: the next Square payout is small (but still matches)
  foreign    a USD credit naming Stripe, with the same figure as a EUR Stripe payout due
             the same day: never matched; flagged deposit_without_payout     -> discrepancy
Remittance text is noisy (case, prefixes, Square booked as "BLOCK INC" one time in ten) and
carries the payout id only sometimes (Stripe 60 %, PayPal 30 %, Square never).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

START = date(2026, 10, 1)
BLOCK = 31
WINDOW = {"stripe": 5, "paypal": 4, "square": 3}  # service.reconcile.SETTLEMENT_DAYS
BANK_DAYS = {"stripe": 2, "paypal": 1, "square": 1}  # payout day -> bank booking (+ weekend)
FEES = {"stripe": (140, 25), "paypal": (249, 35), "square": (175, 0)}  # basis points, cents
ID_SHARE = {"stripe": 0.6, "paypal": 0.3, "square": 0.0}
NAMES = {
    "stripe": ["STRIPE PAYMENTS EUROPE LTD", "Stripe Technologies Europe", "STRIPE"],
    "paypal": ["PAYPAL EUROPE S.A.R.L. ET CIE S.C.A", "PayPal (Europe)", "PAYPAL"],
    "square": ["SQUARE PAYMENTS IRELAND", "SQ *NORDWIND RETAIL", "Square Europe Ltd"],
}
PREFIX = ["SEPA-GUTSCHRIFT ", "SEPA CREDIT TRANSFER ", "TRF/", "Gutschrift ", "", "CRED/"]
# customer transfers, a VAT refund, interest, a supplier's credit note; rent, payroll, ...
CREDITS = (  # noqa: SIM905
    "RE 2026-{n} MUELLER GMBH|INVOICE {n} HOTEL ALPENBLICK|FINANZAMT UST ERSTATTUNG|"
    "ZINSGUTSCHRIFT|GUTSCHRIFT LIEFERANT KARTONAGEN {n}|RG {n} BUERO KRAUSE KG"
).split("|")
DEBITS = (  # noqa: SIM905
    "MIETE LAGER {m} IMMOBILIEN SCHMIDT|LOHN GEHALT {m}|DHL PAKET RG {n}|"
    "LIEFERANT TEXTIL GMBH RG {n}|TELEKOM {n}|AMAZON WEB SERVICES|STEUER UST {m}"
).split("|")


@dataclass
class Payout:
    id: str
    source: str
    gateway: str
    ref: str
    minor: int
    day: date
    transactions: int


@dataclass
class Deposit:
    id: str
    minor: int
    currency: str
    day: date
    name: str
    memo: str


@dataclass
class Month:
    payouts: list[Payout] = field(default_factory=list)
    deposits: list[Deposit] = field(default_factory=list)
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    planted: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    twins: dict[str, str] = field(default_factory=dict)  # duplicate payout id/ref -> original
    transactions: int = 0
    orders: int = 0


HOLIDAYS: set[date] = set()  # TARGET2 closing days in the generated period (generate sets it)


def business(day: date) -> date:
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += timedelta(days=1)
    return day


def money(minor: int) -> Decimal:
    return Decimal(minor).scaleb(-2).quantize(Decimal("0.01"))


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n_payout = 0
        self.n_line = 0
        self.m = Month()

    def ref(self, gateway: str) -> str:
        r = self.rng
        if gateway == "stripe":
            return "po_1" + "".join(
                r.choices("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789", k=23)
            )
        if gateway == "paypal":
            return "".join(r.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=17))
        return f"po_{r.getrandbits(32):08x}-{r.getrandbits(16):04x}-{r.getrandbits(16):04x}"

    def payout(self, source: str, gateway: str, day: date, tx_per_payout: int) -> Payout:
        r = self.rng
        n = max(1, int(r.gauss(tx_per_payout, tx_per_payout / 5)))
        bp, fixed = FEES[gateway]
        net = 0
        for _ in range(n):
            gross = int(r.lognormvariate(8.2, 0.7))  # cents: median ~36 EUR
            if r.random() < 0.03:
                net -= gross  # a refund of an earlier order
            else:
                net += gross - (gross * bp + 5000) // 10000 - fixed
        self.m.transactions += n
        self.n_payout += 1
        return Payout(
            f"je_bench{self.n_payout:07d}",
            source,
            gateway,
            self.ref(gateway),
            max(net, 500),
            day,
            n,
        )

    def line(self, minor: int, day: date, name: str, memo: str, currency: str = "EUR") -> Deposit:
        self.n_line += 1
        d = Deposit(f"{day:%Y%m%d}{self.n_line:07d}", minor, currency, day, name, memo)
        self.m.deposits.append(d)
        return d

    def remit(self, p: Payout) -> tuple[str, str]:
        r = self.rng
        name = r.choice(NAMES[p.gateway])
        if p.gateway == "square" and r.random() < 0.1:
            name = "BLOCK INC"  # Square's parent on some banks' statements: no gateway word
        name = name.lower() if r.random() < 0.15 else name
        ref = f" {p.ref}" if r.random() < ID_SHARE[p.gateway] else ""
        memo = f"{r.choice(PREFIX)}{name}{ref} {r.choice(['PAYOUT', 'TRANSFER', 'AUSZAHLUNG'])}"
        return name[:32], memo

    def deposit(self, p: Payout, minor: int | None = None, memo: str | None = None) -> Deposit:
        name, text = self.remit(p)
        day = business(p.day + timedelta(days=BANK_DAYS[p.gateway]))
        d = self.line(p.minor if minor is None else minor, day, name, memo or text)
        return d


def _pick(
    block: list[Payout], gateway: str, after: int, weekdays: str, taken: dict[str, str]
) -> Payout:
    """The first payout of ``gateway`` at least ``after`` days into the block, on one of
    ``weekdays`` (0 = Monday) and not planted yet, on its first account."""
    first = block[0].day
    return next(
        p
        for p in block
        if p.gateway == gateway
        and (p.day - first).days >= after
        and str(p.day.weekday()) in weekdays
        and p.id not in taken
    )


def generate(
    days: int,
    accounts: int,
    tx_per_payout: int,
    *,
    seed: int = 2026,
    plant: bool = True,
    lines: int = 0,
    start: date = START,
    holidays: tuple[date, ...] = (),
) -> Month:
    """``accounts`` merchant accounts per gateway, one payout a day each, for ``days`` days;
    ``lines``: pad the statement with non-payout lines up to that many bank lines."""
    HOLIDAYS.clear()
    HOLIDAYS.update(holidays)
    g = _Gen(seed)
    m, r = g.m, g.rng
    sources = [
        (f"{gw}-{a}" if accounts > 1 else gw, gw) for gw in WINDOW for a in range(1, accounts + 1)
    ]
    blocks: list[list[Payout]] = []
    for i in range(days):
        day = start + timedelta(days=i)
        if i % BLOCK == 0:
            blocks.append([])
        for source, gw in sources:
            blocks[-1].append(g.payout(source, gw, day, tx_per_payout))
    for bi, block in enumerate(blocks):
        special: dict[str, str] = {}
        if plant and len(block) == BLOCK * len(sources):

            def pick(
                gateway: str,
                after: int,
                block: list[Payout] = block,
                special: dict[str, str] = special,
            ) -> Payout:
                return _pick(block, gateway, after, "0123", special)

            split = pick("stripe", 14)
            split.minor += 2_500_000  # a wholesale order settles: 25,000 EUR more
            special[split.id] = "split"
            for gw, after, fee in (("paypal", 8, 150), ("square", 19, 250), ("stripe", 22, 75)):
                special[pick(gw, after).id] = f"fee:{fee}"
            special[pick("square", 16).id] = "missing"
            special[pick("stripe", 5).id] = "duplicate"
            refund = pick("square", 10)
            refund.minor = 3_915 + r.randrange(1000)  # a 400-odd EUR refund ate the payout
            special[refund.id] = "refund"
            special[pick("stripe", 24).id] = "foreign"
        batches: dict[tuple[str, date], list[Payout]] = {}
        for p in block:
            kind = special.get(p.id, "")
            if p.gateway == "paypal" and p.day.weekday() >= 4 and not kind:
                monday = p.day + timedelta(days=7 - p.day.weekday())
                batches.setdefault((p.source, monday), []).append(p)
                m.payouts.append(p)
                continue
            m.payouts.append(p)
            if kind == "missing":
                m.planted.append(("missing_deposit", (p.ref,)))
            elif kind == "split":
                a = p.minor * 3 // 5
                d1 = g.deposit(p, a, f"STRIPE PAYMENTS EUROPE {p.ref} TEIL 1/2")
                d2 = g.deposit(p, p.minor - a, f"STRIPE PAYMENTS EUROPE {p.ref} TEIL 2/2")
                m.pairs.append(((p.id,), (d1.id, d2.id)))
            elif kind.startswith("fee:"):
                name = NAMES[p.gateway][0]
                d = g.deposit(p, p.minor - int(kind[4:]), f"{r.choice(PREFIX)}{name} PAYOUT")
                m.pairs.append(((p.id,), (d.id,)))
                m.planted.append(("bank_fee", (p.ref, d.id)))
            elif kind == "duplicate":
                twin = replace(p, id=p.id.replace("je_bench", "je_twin0"), ref=g.ref(p.gateway))
                m.payouts.append(twin)
                m.twins[twin.id], m.twins[twin.ref] = p.id, p.ref
                d = g.deposit(p, memo=f"SEPA-GUTSCHRIFT {NAMES['stripe'][0]} PAYOUT")
                m.pairs.append(((p.id,), (d.id,)))
                m.planted.append(("duplicate_payout", (p.ref,)))
            else:
                d = g.deposit(p)
                m.pairs.append(((p.id,), (d.id,)))
                if kind == "foreign":
                    usd = g.line(p.minor, d.day, "STRIPE UK", "STRIPE PAYOUT USD", currency="USD")
                    m.planted.append(("deposit_without_payout", (usd.id,)))
        for (_source, monday), group in sorted(batches.items()):
            if len(group) == 1:
                d = g.deposit(group[0])
                m.pairs.append(((group[0].id,), (d.id,)))
                continue
            total = sum(p.minor for p in group)
            d = g.line(
                total,
                business(monday),
                "PAYPAL EUROPE S.A.R.L.",
                f"{r.choice(PREFIX)}PAYPAL EUROPE SAMMELGUTSCHRIFT {len(group)} POSTEN",
            )
            m.pairs.append((tuple(p.id for p in group), (d.id,)))
        first = start + timedelta(days=bi * BLOCK)
        for k in range(10 + 2 * len(sources)):  # rent, payroll, suppliers; customer credits
            day = business(first + timedelta(days=r.randrange(min(BLOCK, days))))
            text = r.choice(DEBITS if k % 3 else CREDITS).format(
                n=r.randrange(10**5), m=f"{day:%m/%Y}"
            )
            minor = r.randrange(5_000, 900_000)
            g.line(minor if k % 3 == 0 else -minor, day, text.split()[0], text)
    while len(m.deposits) < lines:
        day = business(start + timedelta(days=r.randrange(days)))
        text = r.choice(DEBITS).format(n=r.randrange(10**6), m=f"{day:%m/%Y}")
        g.line(-r.randrange(5_000, 900_000), day, text.split()[0], text)
    m.orders = sum(p.transactions for p in m.payouts if p.id.startswith("je_bench"))
    return m
