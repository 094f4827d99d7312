"""Partner organisations, for administrators (coordinators may look): the list, adding one and
editing its name, kind and the email domains its staff use. A return's link is only ever sent
to an address in one of those domains (portal/services/returns.py)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import RadioField
from wtforms.validators import InputRequired, ValidationError

from ..extensions import db
from ..models import Organisation
from ..models.audit import ORGANISATION_KINDS
from ..services import organisations
from . import access, bp
from .forms import StrippedForm, area_field, text_field

ADMIN = ("admin",)
MAY_VIEW = ("admin", "coordinator")
MOST_DOMAINS = 20


class OrganisationForm(StrippedForm):
    name = text_field(
        _l("Name"),
        120,
        required=_l("Enter the organisation’s name"),
        description=_l("As staff will recognise it, for example Devon and Cornwall Police"),
    )
    kind = RadioField(
        _l("Kind of organisation"),
        choices=list(ORGANISATION_KINDS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select the kind of organisation"))],
        validate_choice=False,  # validate_kind says it in words
    )
    domains = area_field(
        _l("Email domains"),
        required=_l("Enter at least one email domain, like nhs.net"),
        description=_l(
            "The part of their staff’s email addresses after the @, one on each line, for "
            "example nhs.net. A request for a return can only be sent to an address at one "
            "of these."
        ),
    )

    def validate_kind(self, field):
        if field.data not in ORGANISATION_KINDS:
            raise ValidationError(_l("Select the kind of organisation"))

    def validate_domains(self, field):
        lines = [line.strip() for line in (field.data or "").split("\n") if line.strip()]
        if not lines:
            raise ValidationError(_l("Enter at least one email domain, like nhs.net"))
        if len(lines) > MOST_DOMAINS:
            raise ValidationError(_l("Enter %(most)s email domains or fewer", most=MOST_DOMAINS))
        cleaned = []
        for number, line in enumerate(lines, start=1):
            try:
                cleaned.append(organisations.normalise_domain(line))
            except organisations.InvalidOrganisation:
                raise ValidationError(
                    _l(
                        "Line %(number)s is not an email domain: enter the part of an address "
                        "after the @, like nhs.net",
                        number=number,
                    )
                ) from None
        field.data = "\n".join(dict.fromkeys(cleaned))

    @property
    def domain_list(self) -> list[str]:
        return [d for d in (self.domains.data or "").split("\n") if d]


def listed() -> list[Organisation]:
    """Every organisation, by name, with its domains."""
    return list(
        db.session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.domains))
            .order_by(func.lower(Organisation.name))
        )
    )


@bp.get("/organisations")
@access(*MAY_VIEW)
def organisations_list():
    done = request.args.get("done")
    return render_template(
        "staff/organisations.html",
        organisations=listed(),
        admin=current_user.role == "admin",
        done=done if done in ("added", "saved") else None,
    )


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/organisations/new", methods=["GET", "POST"])
@access(*ADMIN)
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisations.create(
                form.name.data, form.kind.data, form.domain_list, actor=current_user.actor
            )
        except organisations.OrganisationExists:
            form.name.errors.append(_("There is already an organisation with this name"))
        else:
            db.session.commit()
            return redirect(url_for("staff.organisations_list", done="added"), 303)
    return render_template(
        "staff/organisation_form.html",
        form=form,
        organisation=None,
        back_url=url_for("staff.organisations_list"),
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@access(*ADMIN)
def organisation_edit(organisation_id: int):
    organisation = _organisation(organisation_id)
    stored = {
        "name": organisation.name,
        "kind": organisation.kind,
        "domains": "\n".join(sorted(d.domain for d in organisation.domains)),
    }
    form = OrganisationForm(data=stored if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            organisations.update(
                organisation,
                form.name.data,
                form.kind.data,
                form.domain_list,
                actor=current_user.actor,
            )
        except organisations.OrganisationExists:
            db.session.rollback()
            form.name.errors.append(_("There is already an organisation with this name"))
        else:
            db.session.commit()
            return redirect(url_for("staff.organisations_list", done="saved"), 303)
    return render_template(
        "staff/organisation_form.html",
        form=form,
        organisation=organisation,
        back_url=url_for("staff.organisations_list"),
    )
