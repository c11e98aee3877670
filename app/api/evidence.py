"""Outcome evidence sent through the API, handed to the outcomes package's evidence service.

The API checks the shape of the evidence and names the people; what evidence means (which measures a
descriptor has, whether a value fits, the period rules) belongs to app.outcomes. Until that package has
its evidence-recording service, `record` says so and the endpoint answers 501."""


class EvidenceNotAvailable(Exception):
    pass


class InvalidEvidence(ValueError):
    """`errors` maps a field of the request to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _outcomes_service():
    try:
        from app.outcomes import services
    except ImportError:
        return None
    return getattr(services, "record_evidence_from_partner", None)


def record(family, data: dict, person_ids: list[int], *, actor):
    """Record the evidence through app.outcomes; its own validation errors come back as InvalidEvidence."""
    service = _outcomes_service()
    if service is None:
        raise EvidenceNotAvailable("Recording outcome evidence through the API is not available yet")
    return service(family, headline=data["headline"], descriptor=data["descriptor"], measure=data["measure"],
                   value=data["value"], period_start=data["period_start"], period_end=data["period_end"],
                   person_ids=person_ids, note=data.get("note"), actor=actor)
