"""The customer-service chat as the storefront and seller APIs answer it (the same message shape on both
sides; the buyer's answers never contain internal notes). Schema names are unique project-wide."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict


class ChatCardOut(Schema):
    title: str
    price_fen: int
    image: str
    url: str
    no: str = Field("", description="订单卡片的订单号")
    status: str = Field("", description="订单卡片的订单状态")


class ChatMessageOut(Schema):
    seq: int = Field(description="会话内递增的序号；客户端记住最后一个，断线后用 ?after= 补齐")
    sender_kind: str = Field(description="buyer / agent / auto（自动回复）/ system")
    sender_name: str
    kind: str = Field(description="text / image / product / order / note（内部备注，仅商家可见）")
    body: str
    image_url: str
    card: ChatCardOut | None
    auto_rule: str = Field(description="自动回复的规则：welcome / offhours / noreply / faq；其余为空")
    created_at: datetime


class ChatConversationBase(Schema):
    id: int
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    status: str = Field(description="waiting 待回复 / open 进行中 / resolved 已结束")
    origin: str = Field(description="从哪里发起：shop / product / order / case")
    product_id: int | None
    order_id: int | None
    case_id: int | None
    last_seq: int
    last_preview: str
    last_message_at: datetime
    created_at: datetime
    resolved_at: datetime | None


class ChatMessagesBase(Schema):
    conversation_id: int
    status: str
    last_seq: int = Field(description="会话当前最大序号（含对方不可见的内部备注）：下次请求用它作 after")
    items: list[ChatMessageOut]


class ChatPostBase(Schema):
    model_config = ConfigDict(extra="forbid")
    body: str = Field("", description="文字内容（1–1000 字）")
    kind: str = Field("text", description="text / product / order（商品或订单卡片，须给 ref_id）")
    ref_id: int | None = Field(None, ge=1, le=2**62, description="卡片的商品或订单编号")
