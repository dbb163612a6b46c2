"""`/api/v1/tasks/{id}/approvals`: the tool calls of a task that wait for a person, and the answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import error_responses
from venom_core.tools.approvals import Approvals, Request

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])

TaskId = Annotated[str, Path(min_length=1, max_length=64)]
CallId = Annotated[str, Path(min_length=1, max_length=64)]


async def get_approvals(services: ServicesDep) -> Approvals:
    return services.approvals


ApprovalsDep = Annotated[Approvals, Depends(get_approvals)]


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "deny"]
    remember: bool = Field(default=False, description="Also set the tool's policy to allow (approve) or deny (deny)")


class ApprovalView(BaseModel):
    call_id: str
    task_id: str
    tool_id: str
    function_name: str
    arguments: Any = Field(description="The call's arguments, masked")
    expires_at: float = Field(description="Unix time after which an unanswered request counts as denied")
    status: Literal["pending", "approved", "denied"]
    decided_by: str | None = Field(default=None, description="`person` or `timeout`")


class ApprovalList(BaseModel):
    approvals: list[ApprovalView]


def view(r: Request) -> ApprovalView:
    status: Literal["pending", "approved", "denied"] = (
        "pending" if r.decision is None else "approved" if r.decision == "approve" else "denied")
    return ApprovalView(call_id=r.call_id, task_id=r.task_id, tool_id=r.tool_id, function_name=r.function_name,
                        arguments=r.arguments, expires_at=r.expires_at, status=status, decided_by=r.by)


@router.get("/{task_id}/approvals", response_model=ApprovalList)
async def list_approvals(task_id: TaskId, approvals: ApprovalsDep) -> ApprovalList:
    """The task's approval requests that still wait for an answer."""
    return ApprovalList(approvals=[view(r) for r in approvals.pending(task_id)])


@router.post("/{task_id}/approvals/{call_id}", response_model=ApprovalView,
             responses=error_responses(403, 404, 409, 422))
async def decide(task_id: TaskId, call_id: CallId, body: DecisionRequest, approvals: ApprovalsDep,
                 _: AdminDep) -> ApprovalView:
    """Approve or deny a waiting tool call; the task goes on at once (404: no such request; 409: decided)."""
    return view(await approvals.decide(task_id, call_id, body.decision, body.remember))
