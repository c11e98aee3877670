"""Individual rights and retention (security.md, "Individual rights and retention"): subject access
requests with their statutory due dates and the export of everything held about a person, legal holds,
and the retention rule that anonymises expired families (a dry-run report first, then a system job and
`flask rights anonymise`). Every page is for IG officers, under the purpose `information_governance`.
"""
