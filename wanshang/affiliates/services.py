"""Writes of 淘宝客 (docs/affiliates.md). The work is in the modules behind this surface:
`promoters` (apply, review, links, invitations), `plans` (the shops' rates), `tracking` (clicks),
`ledger` (commissions through their states, clawbacks, the shop's settlement), `withdrawals`."""

from wanshang.affiliates.ledger import commission_attribute as commission_attribute
from wanshang.affiliates.ledger import commission_cancel as commission_cancel
from wanshang.affiliates.ledger import commission_confirm as commission_confirm
from wanshang.affiliates.ledger import commission_refund as commission_refund
from wanshang.affiliates.ledger import commissions_settle as commissions_settle
from wanshang.affiliates.plans import plan_end as plan_end
from wanshang.affiliates.plans import product_rate_set as product_rate_set
from wanshang.affiliates.plans import promoter_invite as promoter_invite
from wanshang.affiliates.plans import shop_rate_set as shop_rate_set
from wanshang.affiliates.promoters import invitation_answer as invitation_answer
from wanshang.affiliates.promoters import link_create as link_create
from wanshang.affiliates.promoters import promoter_apply as promoter_apply
from wanshang.affiliates.promoters import promoter_review as promoter_review
from wanshang.affiliates.tracking import click_land as click_land
from wanshang.affiliates.tracking import click_record as click_record
from wanshang.affiliates.tracking import clicks_forget as clicks_forget
from wanshang.affiliates.withdrawals import withdrawal_request as withdrawal_request
from wanshang.affiliates.withdrawals import withdrawal_review as withdrawal_review
