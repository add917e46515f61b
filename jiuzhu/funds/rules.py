"""Who may open the funds pages and take which step (predicates of ``rules``), asked by the
views, the menu, the buttons and the services alike. Where: the services check that the
fund lies in the actor's subtree (``core.access.require``): a county approver manages the
county fund and the reserves of its townships, a township reviewer only the township's
reserve."""

from __future__ import annotations

import rules

from jiuzhu.accounts.rules import has_role, is_staff_member

from .choices import (
    COMMITTERS,
    CORRECTORS,
    FUND_MANAGERS,
    FUND_VIEWERS,
    PAYERS,
    RELEASERS,
    REPLENISHMENT_REQUESTERS,
)

# 基金与备用金 (the list, a fund's ledger and statements; the menu entry)
rules.add_perm("funds.view", is_staff_member & has_role(*FUND_VIEWERS))
# 登记收入、划拨备用金、审批补充申请: the county approver, an administrator
rules.add_perm("funds.record_income", is_staff_member & has_role(*FUND_MANAGERS))
rules.add_perm("funds.allocate", is_staff_member & has_role(*FUND_MANAGERS))
rules.add_perm("funds.decide_replenishment", is_staff_member & has_role(*FUND_MANAGERS))
# 申请补充备用金: the township reviewer of the reserve's township
rules.add_perm("funds.request_replenishment",
               is_staff_member & has_role(*REPLENISHMENT_REQUESTERS))
# 追回、冲销: the county approver
rules.add_perm("funds.recover", is_staff_member & has_role(*CORRECTORS))
rules.add_perm("funds.reverse", is_staff_member & has_role(*CORRECTORS))
# 预留、支付、释放 (steps of an emergency case's first help)
rules.add_perm("funds.commit", is_staff_member & has_role(*COMMITTERS))
rules.add_perm("funds.pay", is_staff_member & has_role(*PAYERS))
rules.add_perm("funds.release", is_staff_member & has_role(*RELEASERS))
