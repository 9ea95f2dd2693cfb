"""The hostile-input corpus: broken and malicious deal files, and the diagnostic each must get.

``tests/corpus/bad/`` holds small deal files, each the minimal deal with one
thing broken; :data:`EXPECTED` says which code ``lease check`` must report for
each, and on which line (``None`` for a problem with the whole file). Files
that cannot be committed (over the size limit, not UTF-8, NUL bytes, raw
control bytes, enormous scalars, thousands of levels of nesting) are written
at test time from :data:`GENERATED`. ``tests/corpus/valid/`` holds hostile
files that are nevertheless valid: markup, escape sequences, bidi overrides,
formula-looking text, byte-order marks, line endings.

Every case runs the real command line and checks what a user sees: exit code
1 (0 for a valid file), no traceback, every line in the ``file:line:col:
severity[CODE]: message`` form, no control characters that a terminal would
act on, and bounded output.

An expectation here is what the format reference (``deals/README.md``) says,
worked out from the file, not copied from the tool's output. The cases once
marked ``FINDING`` exposed a wrong line, code or cost, since fixed; their
comments say what rule they now hold the loader to.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, Run

CORPUS = Path(__file__).resolve().parent / "corpus"
BAD = CORPUS / "bad"
VALID = CORPUS / "valid"

#: Longest a check of one corpus file may take.
#: Longest line of output a corpus file may produce: messages quote user text shortened.
MAX_LINE = 1_000
#: The largest deal file read (loader.MAX_BYTES), restated: the limit is part of the format.
MIB = 1024 * 1024

#: The form of a problem line, whole-file problems included (the task's contract).
PROBLEM_FORM = re.compile(r"^.+:(\d+:\d+: |\s?)(error|warning|note)\[[EWN]\d{3}\]: .+$")
SUMMARY_FORM = re.compile(r"^\d+ files? checked, \d+ errors?, \d+ warnings?(, \d+ notes?)?$")
#: After the file name: ":line:col", ":line" or nothing, then severity, code and message.
_AFTER_FILE = re.compile(
    r"^(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<severity>error|warning|note)"
    r"\[(?P<code>[EWN]\d{3})\]: (?P<message>.+)$"
)
#: Characters that reorder or hide text on a terminal, besides the C0/C1 controls.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Found:
    line: int | None
    code: str
    message: str


#: bad file name -> (code, line): the diagnostic `lease check` must report, at that line
#: (None: a problem with the whole file). Most files open with a comment saying what is
#: broken; the lines count it.
EXPECTED: dict[str, tuple[str, int | None]] = {
    # Round two: inputs that once passed lease check and then exited 3, or ran unbounded.
    "round2-capex-date-year-1.yaml": ("E303", 13),
    "round2-prepayment-on-year-1.yaml": ("E303", 11),
    "round2-delivery-deadline-9999.yaml": ("E303", 10),
    "round2-market-decline-99.yaml": ("E211", 11),
    "round2-market-date-far-after-start.yaml": ("E303", 12),
    "round2-term-before-1900.yaml": ("E306", 5),
    "round2-notice-past-the-calendar.yaml": ("E306", 6),
    "round2-set-index-out-of-range.yaml": ("E211", 13),
    "round2-set-misspelled-second-path.yaml": ("E209", 13),
    "round2-too-much-work.yaml": ("E310", 52),
    "round3-tranches-25.yaml": ("E211", 12),
    # YAML: duplicate keys at every depth, reported at the second occurrence.
    "yaml-duplicate-key-top.yaml": ("E105", 9),
    "yaml-duplicate-key-quoted.yaml": ("E105", 9),
    "yaml-duplicate-key-payments-item.yaml": ("E105", 10),
    "yaml-duplicate-key-second-stream.yaml": ("E105", 11),
    "yaml-duplicate-key-assumptions-lessor.yaml": ("E105", 12),
    "yaml-duplicate-key-assumptions-lessee.yaml": ("E105", 13),
    "yaml-duplicate-key-sources.yaml": ("E105", 12),
    "yaml-duplicate-key-flow-mapping.yaml": ("E105", 9),
    "yaml-duplicate-key-capacity.yaml": ("E105", 11),
    "yaml-duplicate-key-reported.yaml": ("E105", 11),
    "yaml-duplicate-key-termination.yaml": ("E105", 11),
    "yaml-duplicate-key-prepayments.yaml": ("E105", 12),
    "yaml-duplicate-key-payments-list.yaml": ("E105", 9),
    "yaml-duplicate-key-start-different-value.yaml": ("E105", 7),
    # YAML: syntax. A syntax error belongs on the line that holds the mistake.
    "yaml-tab-indentation.yaml": ("E101", 8),
    "yaml-tab-indentation-nested.yaml": ("E101", 10),
    "yaml-indentation-off-by-one.yaml": ("E101", 9),
    "yaml-indentation-dedented-key.yaml": ("E101", 9),
    "yaml-mapping-value-in-plain-scalar.yaml": ("E101", 2),
    "yaml-reserved-indicator-at.yaml": ("E101", 9),
    "yaml-reserved-indicator-backtick.yaml": ("E101", 9),
    "yaml-flow-mapping-missing-comma.yaml": ("E101", 9),
    "yaml-stray-closing-bracket.yaml": ("E101", 9),
    "yaml-undefined-alias.yaml": ("E101", 9),
    "yaml-recursive-alias.yaml": ("E101", 9),
    "yaml-directive-yaml-2.yaml": ("E101", 2),
    # Once a FINDING: an unclosed quote is reported where it opens, not at the end.
    "yaml-unterminated-double-quote.yaml": ("E101", 2),
    "yaml-unterminated-single-quote.yaml": ("E101", 9),
    # Once a FINDING: a key without its colon is reported on its own line.
    "yaml-missing-colon-after-key.yaml": ("E101", 5),
    "yaml-line-without-colon.yaml": ("E101", 5),
    # Once a FINDING: an error at the end of the file is on the last line with content.
    "yaml-unclosed-flow-sequence-at-end.yaml": ("E101", 9),
    "yaml-sequence-entry-in-mapping.yaml": ("E101", 9),
    # YAML: what the top level holds.
    "yaml-top-level-list.yaml": ("E104", 2),
    "yaml-top-level-scalar.yaml": ("E104", 2),
    "yaml-top-level-quoted-scalar.yaml": ("E104", 2),
    "yaml-top-level-number.yaml": ("E104", 2),
    "yaml-top-level-empty-list.yaml": ("E104", 2),
    "yaml-top-level-list-after-marker.yaml": ("E104", 3),
    "yaml-empty.yaml": ("E102", None),
    "yaml-only-comments.yaml": ("E102", None),
    "yaml-whitespace-only.yaml": ("E102", None),
    "yaml-only-document-marker.yaml": ("E102", 1),
    "yaml-only-document-markers.yaml": ("E102", 1),
    "yaml-null-document.yaml": ("E102", 1),
    "yaml-empty-mapping.yaml": ("E102", 1),
    "yaml-multiple-documents.yaml": ("E103", 9),
    "yaml-multiple-documents-after-end-marker.yaml": ("E101", 10),
    "yaml-multiple-documents-trailing-marker.yaml": ("E103", 9),
    "yaml-multiple-documents-explicit.yaml": ("E103", 10),
    # YAML: tags never construct anything.
    "yaml-tag-python-object-apply.yaml": ("E106", 2),
    "yaml-tag-python-object-new.yaml": ("E106", 3),
    "yaml-tag-python-name.yaml": ("E106", 9),
    "yaml-tag-python-module.yaml": ("E106", 9),
    "yaml-tag-python-on-key.yaml": ("E106", 3),
    "yaml-tag-verbatim-python.yaml": ("E106", 9),
    "yaml-tag-binary.yaml": ("E106", 9),
    "yaml-tag-set.yaml": ("E106", 9),
    "yaml-tag-omap.yaml": ("E106", 9),
    "yaml-tag-omap-root.yaml": ("E106", 2),
    "yaml-tag-custom.yaml": ("E106", 9),
    "yaml-tag-custom-on-mapping.yaml": ("E106", 9),
    "yaml-tag-custom-on-stream.yaml": ("E106", 8),
    "yaml-tag-int.yaml": ("E106", 6),
    "yaml-tag-float.yaml": ("E106", 8),
    "yaml-tag-timestamp.yaml": ("E106", 5),
    "yaml-tag-bool.yaml": ("E106", 9),
    "yaml-tag-null.yaml": ("E106", 9),
    "yaml-tag-directive-evil.yaml": ("E106", 4),
    # YAML: merge keys and keys that are not text.
    "yaml-merge-key-in-stream.yaml": ("E109", 9),
    "yaml-merge-key-top-level.yaml": ("E109", 9),
    "yaml-merge-key-flow.yaml": ("E109", 9),
    "yaml-merge-key-list-of-aliases.yaml": ("E109", 11),
    "yaml-complex-key-list.yaml": ("E110", 9),
    "yaml-complex-key-mapping.yaml": ("E110", 9),
    "yaml-complex-key-block-list.yaml": ("E110", 10),
    "yaml-complex-key-in-flow-stream.yaml": ("E110", 9),
    # YAML: alias expansion and nesting depth.
    "yaml-alias-as-key.yaml": ("E110", 10),
    "yaml-alias-billion-laughs.yaml": ("E107", 13),
    "yaml-alias-laughs-mappings.yaml": ("E107", 13),
    "yaml-alias-quadratic-many-aliases.yaml": ("E107", 29),
    "yaml-nesting-block-mapping-60.yaml": ("E108", 59),
    "yaml-nesting-flow-list-60.yaml": ("E108", 9),
    "yaml-nesting-flow-mapping-60.yaml": ("E108", 9),
    "yaml-nesting-block-sequence-60.yaml": ("E108", 10),
    "yaml-nesting-depth-50-allowed.yaml": ("E203", 9),
    "yaml-nesting-depth-51.yaml": ("E108", 9),
    # Values: money.
    "value-amount-nan.yaml": ("E204", 8),
    "value-amount-dot-nan.yaml": ("E204", 8),
    "value-amount-inf.yaml": ("E204", 8),
    "value-amount-minus-inf.yaml": ("E204", 8),
    "value-amount-infinity-word.yaml": ("E204", 8),
    "value-amount-1e400.yaml": ("E211", 8),
    "value-amount-above-max.yaml": ("E211", 8),
    "value-amount-1e-400.yaml": ("E204", 8),
    "value-amount-60-decimal-places.yaml": ("E204", 8),
    "value-amount-13-decimal-places.yaml": ("E204", 8),
    "value-amount-too-long.yaml": ("E204", 8),
    "value-amount-negative.yaml": ("E211", 8),
    "value-amount-negative-after-symbol.yaml": ("E211", 8),
    "value-amount-negative-before-symbol.yaml": ("E211", 8),
    "value-amount-hex.yaml": ("E204", 8),
    "value-amount-octal-0o.yaml": ("E204", 8),
    "value-amount-binary.yaml": ("E204", 8),
    "value-amount-sexagesimal.yaml": ("E204", 8),
    "value-amount-comma-bad-groups.yaml": ("E204", 8),
    "value-amount-comma-groups-of-four.yaml": ("E204", 8),
    "value-amount-indian-grouping.yaml": ("E204", 8),
    "value-amount-european-decimal.yaml": ("E204", 8),
    "value-amount-double-underscore.yaml": ("E204", 8),
    "value-amount-trailing-underscore.yaml": ("E204", 8),
    "value-amount-mixed-separators.yaml": ("E204", 8),
    "value-amount-space-thousands.yaml": ("E204", 8),
    "value-amount-unknown-suffix.yaml": ("E204", 8),
    "value-amount-trailing-iso-code.yaml": ("E204", 8),
    "value-amount-words.yaml": ("E204", 8),
    "value-amount-unknown-symbol-bitcoin.yaml": ("E204", 8),
    "value-amount-fullwidth-yen.yaml": ("E204", 8),
    "value-amount-unknown-iso-mark.yaml": ("E213", 8),
    "value-amount-fullwidth-digits.yaml": ("E204", 8),
    "value-amount-arabic-indic-digits.yaml": ("E204", 8),
    "value-amount-double-sign.yaml": ("E204", 8),
    "value-amount-two-marks.yaml": ("E204", 8),
    "value-amount-dot-only.yaml": ("E204", 8),
    "value-amount-empty-string.yaml": ("E204", 8),
    "value-amount-percent.yaml": ("E204", 8),
    "value-amount-exponent-only.yaml": ("E204", 8),
    "value-amount-pound-in-usd.yaml": ("E210", 8),
    "value-amount-iso-mismatch.yaml": ("E210", 8),
    "value-amount-list.yaml": ("E203", 8),
    "value-amount-mapping.yaml": ("E203", 8),
    "value-amount-null-means-missing.yaml": ("E304", 8),
    "value-amount-dollar-in-eur-deal.yaml": ("E210", 8),
    "value-amount-yen-in-cny-deal.yaml": ("E210", 8),
    "value-amount-euro-in-gbp-assumptions.yaml": ("E210", 12),
    "value-cap-nan.yaml": ("E204", 9),
    "value-cap-negative.yaml": ("E211", 9),
    "value-termination-fee-negative.yaml": ("E211", 11),
    "value-per-gpu-hour-nan.yaml": ("E204", 8),
    "value-reported-total-negative.yaml": ("E211", 10),
    "value-market-gpu-hour-words.yaml": ("E204", 10),
    "value-prepayment-percent-over-100.yaml": ("E211", 10),
    "value-prepayment-percent-zero.yaml": ("E211", 10),
    "value-prepayment-percent-negative.yaml": ("E211", 10),
    # Values: currency codes.
    "value-currency-unknown-iso.yaml": ("E213", 9),
    "value-currency-bitcoin.yaml": ("E213", 9),
    "value-currency-symbol-as-code.yaml": ("E213", 9),
    "value-currency-numeric-code.yaml": ("E213", 9),
    "value-currency-list.yaml": ("E203", 9),
    # Values: rates.
    "value-discount-rate-negative.yaml": ("E211", 10),
    "value-discount-rate-1000-percent.yaml": ("E211", 10),
    "value-discount-rate-bare-8.yaml": ("E205", 10),
    "value-discount-rate-bare-1-5.yaml": ("E205", 10),
    "value-discount-rate-double-percent.yaml": ("E205", 10),
    "value-discount-rate-nan.yaml": ("E205", 10),
    "value-discount-rate-nan-percent.yaml": ("E205", 10),
    "value-discount-rate-words.yaml": ("E205", 10),
    "value-discount-rate-comma-decimal.yaml": ("E205", 10),
    "value-discount-rate-hex.yaml": ("E205", 10),
    "value-market-decline-100.yaml": ("E211", 10),
    "value-market-decline-negative.yaml": ("E211", 10),
    "value-escalation-minus-100.yaml": ("E211", 9),
    "value-escalation-minus-150.yaml": ("E211", 9),
    "value-escalation-over-100.yaml": ("E211", 9),
    "value-escalation-bare-3.yaml": ("E205", 9),
    "value-escalation-list.yaml": ("E203", 9),
    "value-tolerance-bare-5.yaml": ("E205", 11),
    # Values: YAML 1.1 booleans are refused for true/false fields.
    "value-option-yes.yaml": ("E212", 9),
    "value-option-no.yaml": ("E212", 9),
    "value-option-on.yaml": ("E212", 9),
    "value-option-off.yaml": ("E212", 9),
    "value-option-y.yaml": ("E212", 9),
    "value-option-1.yaml": ("E212", 9),
    "value-option-true.yaml": ("E212", 9),
    # Values: dates.
    "value-date-feb-30.yaml": ("E206", 5),
    "value-date-feb-29-non-leap.yaml": ("E206", 5),
    "value-date-apr-31.yaml": ("E206", 5),
    "value-date-month-13.yaml": ("E206", 5),
    "value-date-month-00.yaml": ("E206", 5),
    "value-date-day-00.yaml": ("E206", 5),
    "value-date-year-zero.yaml": ("E206", 5),
    "value-date-compact.yaml": ("E206", 5),
    "value-date-slashes.yaml": ("E206", 5),
    "value-date-us-order.yaml": ("E206", 5),
    "value-date-single-digits.yaml": ("E206", 5),
    "value-date-with-time.yaml": ("E206", 5),
    "value-date-five-digit-year.yaml": ("E206", 5),
    "value-date-words.yaml": ("E206", 5),
    "value-date-null.yaml": ("E201", 5),
    "value-date-list.yaml": ("E203", 5),
    "value-date-until-apr-31.yaml": ("E206", 9),
    "value-date-source-jun-31.yaml": ("E206", 11),
    "value-date-reported-end-feb-29.yaml": ("E206", 10),
    # The term: its length, its end, the work it asks for.
    "term-start-9999-12-31-with-months.yaml": ("E306", 6),
    "term-start-9998-06-01-months-12.yaml": ("E306", 6),
    "term-end-9999-01-01.yaml": ("E306", 6),
    "term-end-3000-years-later.yaml": ("E306", 6),
    "term-end-100-years-and-a-day.yaml": ("E306", 6),
    "term-months-100000.yaml": ("E211", 6),
    "term-months-1201.yaml": ("E211", 6),
    "term-months-zero.yaml": ("E211", 6),
    "term-months-negative.yaml": ("E211", 6),
    "term-months-fraction.yaml": ("E208", 6),
    "term-months-words.yaml": ("E208", 6),
    "term-months-comma-bad.yaml": ("E208", 6),
    "term-months-sexagesimal.yaml": ("E208", 6),
    "term-months-hex.yaml": ("E208", 6),
    "term-months-with-unit.yaml": ("E208", 6),
    "term-end-before-start.yaml": ("E301", 6),
    "term-end-and-months.yaml": ("E302", 6),
    "term-neither-end-nor-months.yaml": ("E302", 5),
    "term-rows-50400.yaml": ("E307", 8),
    "term-escalation-overflow.yaml": ("E308", 10),
    "term-escalation-overflow-option.yaml": ("E308", 11),
    "term-per-gpu-hour-overflow.yaml": ("E308", 8),
    # Rules between fields, reported at the field that breaks them.
    "cross-from-before-start.yaml": ("E303", 9),
    "cross-from-after-end.yaml": ("E303", 9),
    "cross-until-after-end.yaml": ("E303", 9),
    "cross-until-before-start.yaml": ("E303", 9),
    "cross-until-before-from.yaml": ("E301", 10),
    "cross-prepayment-on-after-end.yaml": ("E303", 11),
    "cross-termination-not-before-after-end.yaml": ("E303", 11),
    "cross-termination-not-before-before-start.yaml": ("E303", 11),
    "cross-amount-and-per-gpu-hour.yaml": ("E304", 9),
    "cross-neither-amount-nor-per-gpu-hour.yaml": ("E304", 8),
    "cross-empty-stream-mapping.yaml": ("E304", 8),
    "cross-per-gpu-hour-once.yaml": ("E304", 8),
    "cross-per-gpu-hour-without-gpus.yaml": ("E305", 8),
    "cross-per-gpu-hour-capacity-without-gpus.yaml": ("E305", 8),
    "cross-prepayment-exceeds-payments.yaml": ("E309", 10),
    "cross-prepayment-after-last-payment.yaml": ("E309", 10),
    "cross-prepayment-100-percent-with-cap.yaml": ("E309", 11),
    "cross-two-prepayments-exceed-together.yaml": ("E309", 11),
    # Unknown keys (at the key) and missing fields (at the mapping that lacks them).
    "key-unknown-top-typo.yaml": ("E202", 9),
    "key-unknown-top-case.yaml": ("E202", 9),
    "key-unknown-payments-typo.yaml": ("E202", 9),
    "key-unknown-python-alias.yaml": ("E202", 9),
    "key-unknown-assumptions-typo.yaml": ("E202", 10),
    "key-unknown-capacity-typo.yaml": ("E202", 10),
    "key-unknown-lessor-assumptions.yaml": ("E202", 11),
    "key-unknown-alias-copies-keys.yaml": ("E202", 12),
    "key-unknown-sources.yaml": ("E202", 11),
    "key-unknown-termination.yaml": ("E202", 11),
    "key-unknown-reported.yaml": ("E202", 10),
    "key-unknown-prepayment.yaml": ("E202", 11),
    "key-unknown-ansi-escape.yaml": ("E202", 9),
    "key-unknown-quoted-merge.yaml": ("E202", 9),
    "key-unknown-null-key.yaml": ("E202", 9),
    "key-unknown-number-key.yaml": ("E202", 9),
    "key-unknown-empty-quoted-key.yaml": ("E202", 9),
    "key-unknown-rtl-override.yaml": ("E202", 9),
    "missing-name.yaml": ("E201", 2),
    "missing-lessor.yaml": ("E201", 2),
    "missing-lessee.yaml": ("E201", 2),
    "missing-start.yaml": ("E201", 2),
    "missing-payments.yaml": ("E201", 2),
    "missing-everything-but-notes.yaml": ("E201", 2),
    "missing-notice-days.yaml": ("E201", 10),
    "missing-source-title.yaml": ("E201", 10),
    "missing-prepayment-amount.yaml": ("E201", 10),
    # Wrong shapes: a list where a mapping belongs, text where a list belongs.
    "shape-payments-mapping.yaml": ("E203", 8),
    "shape-payments-text.yaml": ("E203", 7),
    "shape-payments-empty-list.yaml": ("E203", 7),
    "shape-payments-list-of-text.yaml": ("E203", 7),
    "shape-capacity-list.yaml": ("E203", 9),
    "shape-termination-number.yaml": ("E203", 9),
    "shape-sources-text.yaml": ("E203", 9),
    "shape-sources-mapping.yaml": ("E203", 10),
    "shape-name-list.yaml": ("E203", 2),
    "shape-notes-mapping.yaml": ("E203", 9),
    "shape-assumptions-list.yaml": ("E203", 9),
    "shape-assumptions-lessor-text.yaml": ("E203", 10),
    "shape-prepayments-mapping.yaml": ("E203", 10),
    "shape-reported-text.yaml": ("E203", 9),
    "shape-every-list.yaml": ("E203", 9),
    "shape-months-mapping.yaml": ("E203", 6),
    "shape-name-null.yaml": ("E201", 2),
    # Choices, numbers, ranges, text and the format version.
    "choice-every-monthly.yaml": ("E207", 9),
    "choice-every-weekly.yaml": ("E207", 9),
    "choice-every-capitalised.yaml": ("E207", 9),
    "choice-every-format-string.yaml": ("E207", 9),
    "choice-timing-advanced.yaml": ("E207", 9),
    "choice-credit-pro-rata-underscore.yaml": ("E207", 11),
    "choice-termination-by-both.yaml": ("E207", 11),
    "choice-hours-basis-720.yaml": ("E207", 10),
    "number-gpus-fraction.yaml": ("E208", 10),
    "number-gpus-suffix.yaml": ("E208", 10),
    "number-power-nan.yaml": ("E208", 10),
    "number-notice-days-words.yaml": ("E208", 10),
    "number-reported-months-words.yaml": ("E208", 10),
    "range-gpus-zero.yaml": ("E211", 10),
    "range-gpus-too-many.yaml": ("E211", 10),
    "range-power-zero.yaml": ("E211", 10),
    "range-power-negative.yaml": ("E211", 10),
    "range-notice-days-negative.yaml": ("E211", 10),
    "range-notice-days-over-100-years.yaml": ("E211", 10),
    "range-reported-months-1201.yaml": ("E211", 10),
    "text-name-empty-quoted.yaml": ("E209", 2),
    "text-name-whitespace.yaml": ("E209", 2),
    "text-name-501-chars.yaml": ("E209", 2),
    "text-lessee-empty.yaml": ("E209", 4),
    "text-accelerator-empty.yaml": ("E209", 10),
    "text-source-title-empty.yaml": ("E209", 10),
    "text-id-uppercase.yaml": ("E209", 9),
    "text-id-space.yaml": ("E209", 9),
    "text-id-underscore.yaml": ("E209", 9),
    "text-id-accent.yaml": ("E209", 9),
    "text-id-path-traversal.yaml": ("E209", 9),
    "text-id-101-chars.yaml": ("E209", 9),
    "text-url-javascript.yaml": ("E209", 11),
    "text-url-data.yaml": ("E209", 11),
    "text-url-ftp.yaml": ("E209", 11),
    "text-url-with-space.yaml": ("E209", 11),
    "text-url-protocol-relative.yaml": ("E209", 11),
    "text-url-file.yaml": ("E209", 11),
    "text-url-with-escape.yaml": ("E209", 11),
    "version-2.yaml": ("E214", 9),
    "version-0.yaml": ("E214", 9),
    "version-words.yaml": ("E214", 9),
    "version-1-1.yaml": ("E214", 9),
    # Reported figures that the computation contradicts.
    "reported-total-mismatch.yaml": ("E401", 10),
    "reported-total-zero.yaml": ("E401", 10),
    "reported-total-off-by-a-cent.yaml": ("E401", 10),
    "reported-monthly-mismatch.yaml": ("E402", 10),
    "reported-months-mismatch.yaml": ("E403", 10),
    "reported-start-mismatch.yaml": ("E404", 10),
    "reported-end-mismatch.yaml": ("E404", 10),
    "reported-gpus-mismatch.yaml": ("E405", 10),
    "reported-power-mismatch.yaml": ("E405", 10),
}

#: Words the message must hold as well, where the format reference promises them.
HINTS: dict[str, str] = {
    "value-discount-rate-bare-8.yaml": "did you mean 8%?",
    "value-discount-rate-bare-1-5.yaml": "did you mean 1.5%?",
    "value-escalation-bare-3.yaml": "did you mean 3%?",
    "value-date-feb-30.yaml": "February 2026 has 28 days",
    "value-date-feb-29-non-leap.yaml": "February 2027 has 28 days",
    "value-date-apr-31.yaml": "April 2026 has 30 days",
    "yaml-duplicate-key-top.yaml": "(first at line 2)",
    "yaml-duplicate-key-payments-item.yaml": "(first at line 9)",
    "key-unknown-top-typo.yaml": "did you mean 'currency'?",
    "key-unknown-payments-typo.yaml": "did you mean 'every'?",
    "key-unknown-python-alias.yaml": "did you mean 'from'?",
    "choice-every-monthly.yaml": "did you mean 'month'?",
    "value-amount-dollar-in-eur-deal.yaml": "is in USD but the deal's currency is EUR",
    "value-amount-hex.yaml": "hexadecimal",
    "value-amount-nan.yaml": "not-a-number",
    "value-option-yes.yaml": "yes/no/on/off",
    "missing-lessor.yaml": "missing required field 'lessor'",
    "term-rows-50400.yaml": "50,400",
    "cross-prepayment-exceeds-payments.yaml": "$20,000.00",
    "reported-total-mismatch.yaml": "$13,000.00",
}


# ---------------------------------------------------------------- generated cases


def _text(text: str) -> Callable[[], bytes]:
    return lambda: text.encode("utf-8")


def _with(extra: str) -> Callable[[], bytes]:
    """MINIMAL (lines 1-7) with ``extra`` from line 8 on."""
    return _text(MINIMAL + extra)


def _replaced(old: str, new: str, extra: str = "") -> Callable[[], bytes]:
    assert MINIMAL.count(old) == 1, old
    return _text(MINIMAL.replace(old, new) + extra)


def _endings(text: str, *ends: str) -> Callable[[], bytes]:
    """``text`` with its line breaks replaced by ``ends`` in turn."""

    def make() -> bytes:
        lines = text.split("\n")
        out = "".join(line + ends[i % len(ends)] for i, line in enumerate(lines[:-1]))
        return (out + lines[-1]).encode("utf-8")

    return make


def _padded(size: int) -> Callable[[], bytes]:
    """MINIMAL, then comment lines up to exactly ``size`` bytes."""

    def make() -> bytes:
        head = MINIMAL.encode("utf-8")
        line = b"# " + b"x" * 61 + b"\n"
        room = size - len(head) - 1
        filler = (line * (room // len(line) + 1))[:room]
        data = head + filler + b"\n"
        assert len(data) == size
        return data

    return make


def _bytes(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _rows(extra_streams: str) -> Callable[[], bytes]:
    """41 monthly streams over 100 years (49,200 rows) and ``extra_streams``."""
    streams = "  - &s {amount: 1000}\n" + "  - *s\n" * 40 + extra_streams
    return _text(
        MINIMAL.replace("months: 12", "months: 1200").replace("  - amount: 1000\n", streams)
    )


def _doubling(levels: int) -> Callable[[], bytes]:
    lines = ["a0: &a0 [x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    return _with("\n".join(lines) + "\n")


def _nested_anchors(depth: int, items: int) -> Callable[[], bytes]:
    opening = "".join(f"&a{i} {{k: " for i in range(depth))
    inner = "[" + ",".join(["x"] * items) + "]"
    return _with("notes: " + opening + inner + "}" * depth + "\n")


_BIG = 900_000
_MIN_BYTES = MINIMAL.encode("utf-8")
_LATIN1_NOTES = b"notes: caf\xe9\n"
_CR_ONLY = "\r"
_ADVANCE = "".join(f"{' ' * (i + 1)}k{i}:\n" for i in range(1000)) + " " * 1001 + "v\n"

#: name -> (file contents, expected code or None for a valid file, expected line).
GENERATED: dict[str, tuple[Callable[[], bytes], str | None, int | None]] = {
    # The size limit: 1 MiB is read, one byte more is not.
    "size-exactly-1-mib": (_padded(MIB), None, None),
    "size-1-mib-plus-1-byte": (_padded(MIB + 1), "E002", None),
    "size-5-mib": (_padded(5 * MIB), "E002", None),
    # Not UTF-8: the line and column of the first bad byte.
    "utf8-latin1-byte": (_bytes(_MIN_BYTES + _LATIN1_NOTES), "E003", 8),
    "utf8-overlong-slash": (_bytes(_MIN_BYTES + b"notes: \xc0\xaf\n"), "E003", 8),
    "utf8-encoded-surrogate": (_bytes(_MIN_BYTES + b"notes: \xed\xa0\x80\n"), "E003", 8),
    "utf8-lone-continuation-byte": (
        _bytes(_MIN_BYTES.replace(b"Test deal", b"Test \x80deal")),
        "E003",
        1,
    ),
    "utf8-truncated-at-end-of-file": (_bytes(_MIN_BYTES + b"notes: \xe2\x82"), "E003", 8),
    "utf8-latin1-byte-crlf": (
        _bytes((_MIN_BYTES + _LATIN1_NOTES).replace(b"\n", b"\r\n")),
        "E003",
        8,
    ),
    # Once a FINDING: lines of bad bytes count CR, LF and CRLF as line ends.
    "utf8-latin1-byte-cr-only": (
        _bytes((_MIN_BYTES + _LATIN1_NOTES).replace(b"\n", b"\r")),
        "E003",
        8,
    ),
    "utf16-le-with-bom": (_bytes(codecs.BOM_UTF16_LE + MINIMAL.encode("utf-16-le")), "E003", 1),
    "utf16-be-with-bom": (_bytes(codecs.BOM_UTF16_BE + MINIMAL.encode("utf-16-be")), "E003", 1),
    "utf32-le-with-bom": (_bytes(codecs.BOM_UTF32_LE + MINIMAL.encode("utf-32-le")), "E003", 1),
    # Without a BOM, UTF-16 of ASCII text is valid UTF-8 full of NULs: a control character.
    "utf16-le-without-bom": (_bytes(MINIMAL.encode("utf-16-le")), "E003", 1),
    # Raw control characters are YAML syntax errors, at their line.
    "nul-byte": (_with("notes: a\x00b\n"), "E101", 8),
    # Once a FINDING: so do lines of reader errors.
    "nul-byte-cr-only": (_endings(MINIMAL + "notes: a\x00b\n", _CR_ONLY), "E101", 8),
    "raw-esc-byte": (_with("notes: \x1b[2Jcleared\n"), "E101", 8),
    "raw-esc-byte-in-key": (_with("\x1b[31mcap: 5000\n"), "E101", 8),
    "raw-del-byte": (_with("notes: a\x7fb\n"), "E101", 8),
    "raw-bell-byte": (_with("notes: a\x07b\n"), "E101", 8),
    "raw-c1-csi": (_with("notes: \x9b31mred\n"), "E101", 8),
    # Once a FINDING: libyaml breaks lines at NEL (U+0085), U+2028 and U+2029, editors do
    # not; lines are counted as editors count them, so errors after one stay on their line.
    "raw-nel-in-plain-notes": (_with("notes: a\x85b\n"), "E101", 8),
    "raw-line-separator-in-plain-notes": (_with("notes: a\u2028b\n"), "E101", 8),
    "raw-nel-in-quoted-notes-then-error": (_with('notes: "a\x85b"\ncap: lots\n'), "E204", 9),
    "raw-line-separator-in-quoted-notes-then-error": (
        _with('notes: "a\u2028b"\ncap: lots\n'),
        "E204",
        9,
    ),
    "raw-paragraph-separator-in-quoted-notes-then-error": (
        _with('notes: "a\u2029b"\ncap: lots\n'),
        "E204",
        9,
    ),
    # Line endings: every kind counts one line.
    "crlf-error-line": (_endings(MINIMAL + "cap: lots\n", "\r\n"), "E204", 8),
    "cr-only-error-line": (_endings(MINIMAL + "cap: lots\n", "\r"), "E204", 8),
    "mixed-line-endings-error-line": (
        _endings(MINIMAL + "cap: lots\n", "\r\n", "\n", "\r"),
        "E204",
        8,
    ),
    "mixed-line-endings-valid": (_endings(MINIMAL, "\n", "\r\n", "\r"), None, None),
    "bom-crlf-duplicate-key": (
        _bytes(codecs.BOM_UTF8 + (MINIMAL + "name: again\n").replace("\n", "\r\n").encode()),
        "E105",
        8,
    ),
    # Byte-order marks: allowed at the start (even twice) and inside text, not between tokens.
    "bom-twice-at-start": (_bytes(codecs.BOM_UTF8 * 2 + _MIN_BYTES), None, None),
    "bom-inside-a-value": (_replaced("Test deal", "Test\ufeffdeal"), None, None),
    "bom-at-start-of-line-3": (_replaced("lessee:", "\ufefflessee:"), "E101", 3),
    # An invisible BOM turns '- amount: 1000' into a key: payments is then a mapping.
    "bom-before-stream-dash": (_replaced("  - amount", "  \ufeff- amount"), "E101", 7),
    # Scalars just under and over their limits, and enormous ones: refused quickly,
    # and quoted shortened in the message.
    "name-500-chars": (_replaced("Test deal", "n" * 500), None, None),
    "notes-20000-chars": (_with("notes: " + "x" * 20_000 + "\n"), None, None),
    "notes-20001-chars": (_with("notes: " + "x" * 20_001 + "\n"), "E209", 8),
    "name-1-million-chars": (_replaced("Test deal", "n" * 1_000_000), "E209", 1),
    "amount-900k-digits": (_replaced("amount: 1000", "amount: " + "9" * _BIG), "E204", 7),
    "start-900k-chars": (_replaced("2026-01-01", "2026-01-01" * (_BIG // 10)), "E206", 4),
    # A plain (implicit) key may be at most 1024 characters long in YAML; a longer key
    # must be written as an explicit '? key'.
    "implicit-key-2000-chars": (_with("k" * 2000 + ": x\n"), "E101", 8),
    "explicit-unknown-key-900k-chars": (_with("? " + "k" * _BIG + "\n: x\n"), "E202", 8),
    "explicit-duplicate-key-400k-chars": (
        _with(("? " + "k" * 400_000 + "\n: x\n") * 2),
        "E105",
        10,
    ),
    "custom-tag-900k-chars": (_with("notes: !" + "t" * _BIG + " x\n"), "E106", 8),
    "stream-name-900k-chars": (_with("    name: " + "s" * _BIG + "\n"), "E209", 8),
    "id-900k-chars": (_with("id: " + "i" * _BIG + "\n"), "E209", 8),
    "url-900k-chars": (
        _with("sources:\n  - title: x\n    url: https://" + "u" * _BIG + "\n"),
        "E209",
        10,
    ),
    # Once a FINDING: messages quote at most 40 characters of a value.
    "every-900k-chars": (_with("    every: " + "m" * _BIG + "\n"), "E207", 8),
    "option-900k-chars": (_with("    option: " + "y" * _BIG + "\n"), "E212", 8),
    "version-900k-chars": (_with("version: " + "2" * _BIG + "\n"), "E214", 8),
    "currency-900k-chars": (_with("currency: " + "X" * _BIG + "\n"), "E213", 8),
    # Many problems, or a long file: all reported, at the right lines, quickly.
    "10000-duplicate-keys": (_with("    every: month\n" * 10_000), "E105", 9),
    "5000-unknown-keys": (_with("".join(f"key{i}: x\n" for i in range(5000))), "E202", 8),
    "50000-comment-lines-then-error": (_with("# c\n" * 50_000 + "cap: lots\n"), "E204", 50_008),
    # Thousands of levels of nesting: refused at level 51, before the parser recurses.
    # Once a FINDING: libyaml's own flow-depth limit is reported as E108, like ours.
    "flow-lists-5000-deep": (_with("notes: " + "[" * 5000 + "]" * 5000 + "\n"), "E108", 8),
    "flow-lists-999-deep": (_with("notes: " + "[" * 999 + "]" * 999 + "\n"), "E108", 8),
    "flow-mappings-5000-deep": (
        _with("notes: " + "{a: " * 5000 + "x" + "}" * 5000 + "\n"),
        "E108",
        8,
    ),
    "flow-mixed-5000-deep": (
        _with("notes: " + "[{a: " * 2500 + "x" + "}]" * 2500 + "\n"),
        "E108",
        8,
    ),
    "block-sequences-5000-deep": (_with("notes:\n  " + "- " * 5000 + "x\n"), "E108", 9),
    # notes: at line 8; its mapping (level 2) starts at k0, line 9; level 51 at k49, line 58.
    "block-mappings-1000-deep": (_with("notes:\n" + _ADVANCE), "E108", 58),
    # Aliases: 2 ** 100 values by doubling. After a13 the document holds 12 + 2 ** 16 values;
    # a14's second alias (32,767 more) crosses 100,000. a0 is on line 8, a14 on line 22.
    "alias-doubling-100-levels": (_doubling(100), "E107", 20),
    # Once a FINDING: nested anchors copied their marks per level (seconds, hundreds of
    # MB); anchors now share one record, and a document over 20,000 values is refused.
    "anchors-25-nested-around-90000-values": (_nested_anchors(25, 90_000), "E107", 8),
    # The row limit, exactly: 49,200 + 800 rows pass; one more is refused at payments.
    "rows-exactly-50000": (_rows("  - {amount: 1, until: 2092-08-31}\n"), None, None),
    "rows-50001": (
        _rows("  - {amount: 1, until: 2092-08-31}\n  - {amount: 1, every: once}\n"),
        "E307",
        7,
    ),
}


# ---------------------------------------------------------------- checks


def _unsafe(ch: str) -> bool:
    """A character a terminal would act on or that reorders text: all controls but newline."""
    return ch != "\n" and (unicodedata.category(ch) == "Cc" or ch in _BIDI)


def _shown(run: Run) -> str:
    out = run.stdout if len(run.stdout) <= 3000 else run.stdout[:3000] + "..."
    return f"exit {run.exit_code}\nstdout:\n{out}\nstderr:\n{run.stderr[:2000]}"


def _check(lease: Callable[..., Run], path: Path) -> Run:
    return lease("check", path)


def _problems(run: Run, path: Path) -> list[Found]:
    """Every problem line of the output, checked against the documented form."""
    lines = run.stdout.splitlines()
    assert lines, _shown(run)
    assert SUMMARY_FORM.match(lines[-1]), f"bad summary line: {lines[-1][:200]!r}"
    found: list[Found] = []
    prefix = str(path)
    for line in lines[:-1]:
        assert PROBLEM_FORM.match(line), f"line not in file:line:col form: {line[:200]!r}"
        assert line.startswith(prefix), f"line for another file: {line[:200]!r}"
        m = _AFTER_FILE.match(line[len(prefix) :])
        assert m is not None, f"unparsable problem line: {line[:200]!r}"
        found.append(Found(int(m["line"]) if m["line"] else None, m["code"], m["message"]))
    return found


def _assert_harmless(run: Run) -> None:
    """No traceback, nothing a terminal would act on, and bounded lines.

    Speed is not asserted here (a slow machine is not a bug); the benchmark
    and the opt-in long fuzz run hold inputs to their time and memory bounds.
    """
    assert "Traceback" not in run.stderr, _shown(run)
    assert "internal error" not in run.stderr, _shown(run)
    unsafe = sorted({f"U+{ord(ch):04X}" for ch in run.stdout if _unsafe(ch)})
    assert not unsafe, f"control or bidi characters in the output: {unsafe}"
    longest = max((len(line) for line in run.stdout.splitlines()), default=0)
    assert longest <= MAX_LINE, f"an output line of {longest:,} characters"


def _assert_diagnosed(run: Run, path: Path, code: str, line: int | None, hint: str | None) -> None:
    assert run.exit_code == 1, _shown(run)
    assert "Traceback" not in run.stderr, _shown(run)
    found = _problems(run, path)
    hits = [p for p in found if p.code == code and p.line == line]
    got = [(p.code, p.line) for p in found]
    assert hits, f"expected {code} at line {line}; got {got[:20]}\n{_shown(run)}"
    if hint is not None:
        messages = [p.message for p in hits]
        assert any(hint in m for m in messages), f"no {hint!r} in {messages}"
    _assert_harmless(run)


def _bad_files() -> list[str]:
    return sorted(p.name for p in BAD.glob("*.yaml"))


def _valid_files() -> list[str]:
    return sorted(p.name for p in VALID.glob("*.yaml"))


@pytest.mark.parametrize("name", _bad_files())
def test_bad_file_gets_its_diagnostic(lease: Callable[..., Run], name: str) -> None:
    code, line = EXPECTED[name]
    path = BAD / name
    run = _check(lease, path)
    _assert_diagnosed(run, path, code, line, HINTS.get(name))


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_file_gets_its_diagnostic(
    lease: Callable[..., Run], tmp_path: Path, name: str
) -> None:
    make, code, line = GENERATED[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(make())
    run = _check(lease, path)
    if code is None:
        assert run.exit_code == 0, _shown(run)
        _problems(run, path)
        _assert_harmless(run)
    else:
        _assert_diagnosed(run, path, code, line, None)


@pytest.mark.parametrize("name", _valid_files())
def test_hostile_valid_file_passes_and_prints_nothing_harmful(
    lease: Callable[..., Run], name: str
) -> None:
    path = VALID / name
    run = _check(lease, path)
    assert run.exit_code == 0, _shown(run)
    assert "\x1b" not in run.stdout
    assert "\u202e" not in run.stdout
    _problems(run, path)
    _assert_harmless(run)


def test_every_bad_file_has_an_expectation_and_every_expectation_a_file() -> None:
    files = set(_bad_files())
    assert sorted(files - set(EXPECTED)) == [], "bad files without an EXPECTED entry"
    assert sorted(set(EXPECTED) - files) == [], "EXPECTED entries without a file"
    assert set(HINTS) <= set(EXPECTED)


def test_corpus_is_large_and_small() -> None:
    generated_bad = sum(1 for _, code, _ in GENERATED.values() if code is not None)
    assert len(EXPECTED) + generated_bad >= 150
    assert len(_valid_files()) >= 15
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file():
            assert path.stat().st_size <= 20 * 1024, f"{path} is over 20 KB: generate it instead"
