"""Who may see which evaluation: QA, the Manajer Layanan and the Koordinator see all;
an agent sees only their own, once submitted. Anyone else gets 404, not 403, so an id
reveals nothing."""

from __future__ import annotations

from flask import abort

from hai.auth.permissions import Capability
from hai.extensions import db
from hai.qa.models import Evaluation, EvaluationStatus


def can_view_evaluation(user, evaluation: Evaluation) -> bool:
    if user.can(Capability.QA_VIEW_ALL):
        return True
    return evaluation.agent_id == user.id and evaluation.status is not EvaluationStatus.DRAFT


def get_evaluation_or_404(user, evaluation_id: int) -> Evaluation:
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not can_view_evaluation(user, evaluation):
        abort(404)
    return evaluation
