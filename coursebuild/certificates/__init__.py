"""Stage 3c: วุฒิบัตร (training certificates) for the cohorts in roster/.

load every cohort (roster.py, with cohort_config, trainees and registry) → plan: eligibility, serial numbers, check codes (verify.py) →
check that every name prints (Sarabun has its characters; it fits one line) → render into a
staging folder → keep the serial registry and secret → swap the output in → publish hashes.
Nothing is written before every cohort has loaded, validated and rendered.

Output per cohort, in dist/certificates/<cohort>/:
  by-number/<number>.pdf   one certificate per eligible trainee
  print-all.pdf            every certificate, for the print shop
  sign-in-sheet.pdf        ใบลงชื่อ: every trainee, with room to sign
  summary.csv              number, name, eligible, reason (Excel-ready UTF-8)
  not-eligible.txt         who gets no certificate and why
and the public files, tracked by git so a real cohort's can be committed and published:
published/verify/<cohort>.json (verify.py) and published/badges/<cohort>/ (badges.py).

Modules, in pipeline order: roster (load) → plan (numbers) → fit (will it print?) → html →
pool (workers) → assembly (PDF, WeasyPrint internals) → command (the `certificates` command).
verify holds the public hashes and check codes.
"""
