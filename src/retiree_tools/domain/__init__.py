"""domain: what holds whatever the policy says — ID numbers, credit codes, dates, numbers,
statutory retirement ages, text folding, masking of personal data."""
