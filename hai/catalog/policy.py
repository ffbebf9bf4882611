"""Object rules for the catalog."""

from __future__ import annotations

from flask import abort

from hai.auth.permissions import Capability
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion
from hai.extensions import db


def can_view_version(user, version: CatalogVersion) -> bool:
    if version.is_editable:  # drafts are work in progress of the administrators
        return user.can(Capability.CATALOG_MANAGE)
    return user.can(Capability.CATALOG_VIEW)


def can_edit_version(user, version: CatalogVersion) -> bool:
    return version.is_editable and user.can(Capability.CATALOG_MANAGE)


def get_version_or_404(user, version_id: int, *, for_edit: bool = False) -> CatalogVersion:
    version = db.session.get(CatalogVersion, version_id)
    if version is None or not can_view_version(user, version):
        abort(404)
    if for_edit and not can_edit_version(user, version):
        abort(403)
    return version


def get_service_or_404(user, service_id: int, *, for_edit: bool = False) -> CatalogService:
    service = db.session.get(CatalogService, service_id)
    if service is None:
        abort(404)
    get_version_or_404(user, service.version_id, for_edit=for_edit)
    return service


def get_scope_or_404(user, scope_id: int, *, for_edit: bool = False) -> CatalogScope:
    scope = db.session.get(CatalogScope, scope_id)
    if scope is None:
        abort(404)
    get_service_or_404(user, scope.service_id, for_edit=for_edit)
    return scope
