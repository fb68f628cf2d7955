#!/usr/bin/env python3
"""A synthetic X12 837P (005010X222A2) file of N one-line claims for the demo plan's
members (TMB1001..TMB1006) and billing provider 1234567893, every claim a distinct
(member, service day, procedure), so that none is a duplicate: what scripts/bench.sh
submits to measure the claims tool's claims per second against a local node.
Usage: generate.py N OUT.837"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
members = [f"TMB100{i}" for i in range(1, 7)]
codes = [("99213", "100.00"), ("99214", "150.00"), ("85025", "30.00"),
         ("80053", "60.00"), ("36415", "10.00"), ("93000", "50.00")]
segments = [
    "ST*837*0001*005010X222A2",
    "BHT*0019*00*BENCH0001*20261201*1200*CH",
    "NM1*41*2*CLINIC A TEST*****46*TESTSUB0001",
    "PER*IC*TESTCONTACT*TE*5555550100",
    "NM1*40*2*TEST CLEARINGHOUSE*****46*TESTRCV0001",
    "HL*1**20*1",
    "NM1*85*2*CLINIC A TEST*****XX*1234567893",
    "N3*100 TEST STREET",
    "N4*TESTVILLE*ZZ*000000000",
    "REF*EI*000000001",
]
hl = 1
for k in range(n):
    member = members[k % 6]
    code, amount = codes[(k // 6) % 6]
    day = (k // 36) % 300  # 300 days of 2026 from 1 January
    month_days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    month, d = 0, day
    while d >= month_days[month]:
        d -= month_days[month]
        month += 1
    date = f"2026{month + 1:02d}{d + 1:02d}"
    hl += 1
    segments += [
        f"HL*{hl}*1*22*0",
        "SBR*P*18*TESTGRP01******CI",
        f"NM1*IL*1*TESTPATIENT*BENCH****MI*{member}",
        "NM1*PR*2*TEST PAYER*****PI*TESTPAYER01",
        f"CLM*PCN-BENCH-{k:06d}*{amount}***11:B:1*Y*A*Y*Y",
        "HI*ABK:J069",
        "LX*1",
        f"SV1*HC:{code}*{amount}*UN*1***1",
        f"DTP*472*D8*{date}",
    ]
segments.append(f"SE*{len(segments) + 1}*0001")
isa = ("ISA*00*          *00*          *ZZ*TESTSUBMIT     *ZZ*TESTRECEIVE    "
       "*261201*1200*^*00501*000000009*0*T*:")
text = [isa, "GS*HC*TESTSUBMIT*TESTRECEIVE*20261201*1200*9*X*005010X222A2", *segments,
        "GE*1*9", "IEA*1*000000009"]
with open(out, "w") as f:
    f.write("".join(s + "~\n" for s in text))
