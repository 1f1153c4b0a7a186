"""The row rules of validate, one module per family, each naming the codes it emits in
``EMITS``. :mod:`retiree_tools.validate.chunk` runs them in this order over each chunk:

- :mod:`.cells` — value-too-long
- :mod:`.required` — missing-value, location-missing
- :mod:`.identity` — id-format, id-checksum, id-birthdate, id-precision-lost, id-legacy, id-area-unknown
- :mod:`.duplicates` — id-duplicate (called by identity on the valid IDs)
- :mod:`.choices` — invalid-choice
- :mod:`.enterprise` — credit-code-invalid, enterprise-unknown
- :mod:`.dates` — date-invalid, date-future, date-order
- :mod:`.consistency` — birthdate-mismatch, gender-mismatch
- :mod:`.ages` — retirement-age, age-implausible
- :mod:`.numbers` — number-invalid, number-range, phone-invalid, account-invalid, account-precision-lost
- :mod:`.documents` — document-missing, not-transferable
- :mod:`.columns` — missing-column, duplicate-column (the header, checked before the rows)

To change a rule: find its code in docs/findings.md (it names the module), change the module;
literals the rule decides by are in the policy (docs/policy.md).
"""
