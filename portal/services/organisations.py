"""Partner organisations: their names, kinds and email domains, and the cases they are
involved in."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditCase, CaseOrganisation, Organisation, OrganisationDomain
from ..models.audit import ORGANISATION_KINDS
from ..models.events import record

# A host name: dot-separated labels of letters, digits and inner hyphens, at least two labels.
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class OrganisationExists(ValueError):
    """Another organisation already has this name."""


class InvalidOrganisation(ValueError):
    """An unknown kind, an empty name or a domain that is not a domain."""


def normalise_domain(domain: str) -> str:
    """A domain as stored: trimmed, lower case, without a leading "@". Raises
    InvalidOrganisation if it is not a host name."""
    value = (domain or "").strip().lower().removeprefix("@").rstrip(".")
    if not DOMAIN.match(value):
        raise InvalidOrganisation(f"{domain!r} is not an email domain (for example nhs.net)")
    return value


def find_by_name(name: str) -> Organisation | None:
    """The organisation with this name, ignoring case and surrounding spaces."""
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == (name or "").strip().lower())
    )


def create(name: str, kind: str, domains=(), actor: str = "cli") -> Organisation:
    """A new organisation with its email domains, in the caller's transaction. Raises
    OrganisationExists for a name taken (whatever its case), InvalidOrganisation for a bad kind,
    name or domain."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidOrganisation("An organisation needs a name of up to 120 characters")
    if kind not in ORGANISATION_KINDS:
        raise InvalidOrganisation(f"Kind must be one of {', '.join(ORGANISATION_KINDS)}")
    if find_by_name(name) is not None:
        raise OrganisationExists(f"An organisation called {name} already exists")
    organisation = Organisation(name=name, kind=kind)
    for domain in dict.fromkeys(normalise_domain(d) for d in domains):
        organisation.domains.append(OrganisationDomain(domain=domain))
    db.session.add(organisation)
    db.session.flush()
    record("organisation_created", actor=actor, detail=f"organisation {organisation.id}")
    return organisation


def add_domain(organisation: Organisation, domain: str, actor: str = "cli") -> OrganisationDomain:
    """Add an email domain to an organisation (no change if it has it already)."""
    value = normalise_domain(domain)
    existing = next((d for d in organisation.domains if d.domain == value), None)
    if existing is not None:
        return existing
    row = OrganisationDomain(domain=value)
    organisation.domains.append(row)
    db.session.flush()
    record("organisation_domain_added", actor=actor, detail=f"organisation {organisation.id}")
    return row


def email_allowed(organisation: Organisation, email: str) -> bool:
    """Whether an email address is in one of the organisation's domains: the part after the
    last "@" must equal a domain exactly, ignoring case (a subdomain does not count, so a
    look-alike such as nhs.net.example.com cannot pass)."""
    local, at, domain = (email or "").strip().rpartition("@")
    if not at or not local or not domain:
        return False
    return domain.lower() in {d.domain for d in organisation.domains}


def add_to_case(case: AuditCase, organisation: Organisation) -> CaseOrganisation:
    """Record that an organisation is involved in a case (no change if it is already)."""
    link = db.session.get(CaseOrganisation, (case.id, organisation.id))
    if link is None:
        link = CaseOrganisation(case_id=case.id, organisation_id=organisation.id)
        db.session.add(link)
        db.session.flush()
    return link


def named_in_agencies_involved(case: AuditCase) -> list[Organisation]:
    """Listed organisations whose names appear (ignoring case) in the case's free-text
    "Agencies involved", which is kept as typed: what a page offers to add to the case."""
    text = (case.agencies_involved or "").lower()
    if not text.strip():
        return []
    listed = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [o for o in listed if o.name.lower() in text]


def for_case(case: AuditCase) -> list[Organisation]:
    """The organisations involved in a case, by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(CaseOrganisation, CaseOrganisation.organisation_id == Organisation.id)
            .where(CaseOrganisation.case_id == case.id)
            .order_by(Organisation.name)
        )
    )


def update(organisation: Organisation, name: str, kind: str, domains, actor: str) -> list[str]:
    """Change an organisation's name, kind and email domains (the domains given replace its
    own), in the caller's transaction. Returns what changed ("name", "kind", "domains"), for
    the audit log. Raises OrganisationExists for a name another organisation has, and
    InvalidOrganisation as create() does. Links already sent are not affected: the domains
    are checked when a link is issued."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidOrganisation("An organisation needs a name of up to 120 characters")
    if kind not in ORGANISATION_KINDS:
        raise InvalidOrganisation(f"Kind must be one of {', '.join(ORGANISATION_KINDS)}")
    other = find_by_name(name)
    if other is not None and other.id != organisation.id:
        raise OrganisationExists(f"An organisation called {name} already exists")
    wanted = list(dict.fromkeys(normalise_domain(d) for d in domains))
    changed = []
    if organisation.name != name:
        organisation.name = name
        changed.append("name")
    if organisation.kind != kind:
        organisation.kind = kind
        changed.append("kind")
    if sorted(d.domain for d in organisation.domains) != sorted(wanted):
        keep = [d for d in organisation.domains if d.domain in wanted]
        have = {d.domain for d in keep}
        organisation.domains = keep + [
            OrganisationDomain(domain=d) for d in wanted if d not in have
        ]
        changed.append("domains")
    db.session.flush()
    if changed:
        record(
            "organisation_updated",
            actor=actor,
            detail=f"organisation {organisation.id}: {' '.join(changed)}",
        )
    return changed
