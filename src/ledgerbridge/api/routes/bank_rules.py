"""Bank categorisation rules: a bank line no payout explains (rent, a supplier) is posted to
an account by the first rule that fits it, at each reconciliation run."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ledgerbridge.api.auth import require_api_key
from ledgerbridge.service import bank_rules

router = APIRouter(prefix="/api/v1", tags=["reconciliation"])


class BankRuleIn(BaseModel):
    account: str = Field(description="the account a matching line posts against")
    text_contains: str = Field(description="case-insensitive, in remittance or counterparty")
    name: str | None = Field(None, description="default: '<text> -> <account>'")
    direction: str = Field("any", description="credit (money in), debit (money out) or any")
    bank_account: str | None = Field(None, description="only lines of this bank account")
    min_amount: str | None = Field(None, description="decimal string: the line's size at least")
    max_amount: str | None = Field(None, description="decimal string: the line's size at most")
    priority: int = Field(100, description="lower is tried first; then the older rule")
    ledger: str = "default"


@router.get("/bank-rules", summary="Bank categorisation rules, in the order they are tried")
async def list_rules(request: Request, ledger: str = "default") -> dict[str, Any]:
    items = await run_in_threadpool(bank_rules.list_rules, request.app.state.db, ledger)
    return {"items": items, "next_cursor": None}


@router.post("/bank-rules", status_code=201, summary="Add a bank categorisation rule (audited)")
async def add_rule(
    body: BankRuleIn, request: Request, actor: Annotated[str, Depends(require_api_key)]
) -> dict[str, Any]:
    return await run_in_threadpool(
        lambda: bank_rules.add(
            request.app.state.db,
            body.ledger,
            account=body.account,
            text=body.text_contains,
            actor=actor,
            name=body.name,
            direction=body.direction,
            bank_account=body.bank_account,
            min_amount=body.min_amount,
            max_amount=body.max_amount,
            priority=body.priority,
        )
    )


@router.delete(
    "/bank-rules/{rule_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a bank rule (audited; what it posted stays)",
)
async def delete_rule(
    rule_id: str, request: Request, actor: Annotated[str, Depends(require_api_key)]
) -> Response:
    await run_in_threadpool(bank_rules.delete, request.app.state.db, rule_id, actor)
    return Response(status_code=204)
