"""The campaign file: one pydantic model tree, the first arrow of the pipeline.

An operator describes a campaign in YAML or JSON; everything downstream (context,
templates, checker) reads only these validated models.  Every model forbids
unknown keys so a typo (``groop:``) fails loudly instead of being ignored.
Field descriptions are user-facing (they appear in ``copygen schema campaign``
and in the starter file), so they are written in Chinese.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import InputError, field_errors, read_data

NonEmpty = Annotated[str, Field(min_length=1, max_length=200)]
# Campaign dates: a plausible range, so that day arithmetic (start + N days, wake-ups weeks later)
# can never leave the calendar (date.max is 9999-12-31).
CampaignDate = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2099, 12, 31))]


class _Model(BaseModel):
    # NaN/inf are no quantity or price: refused as "not a finite number" instead of a puzzling bound
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True, allow_inf_nan=False)


Industry = Literal["fresh", "education", "beauty", "baby", "food", "fitness", "retail", "other"]


class Brand(_Model):
    name: NonEmpty = Field(description="品牌或店铺名，如「林家果园」")
    sells: NonEmpty = Field(description="卖什么，如「当季水果」「考研课程」")
    industry: Industry = Field(
        "other",
        description="行业：fresh 生鲜水果 / education 教育培训 / beauty 美妆护肤 / baby 母婴 / "
        "food 餐饮 / fitness 健身 / retail 零售 / other 其他",
    )
    area: str = Field("", max_length=40, description="门店所在地或服务范围，如「幸福里小区」，可留空")


class Audience(_Model):
    who: NonEmpty = Field(description="目标人群，如「附近宝妈」「考研学生」")
    needs: list[NonEmpty] = Field(min_length=1, description="他们的需求或痛点，至少一条")


class Service(_Model):
    what: NonEmpty = Field(description="群里提供的服务，如「真题直播」「当天特价」")
    when: NonEmpty = Field(description="什么时候，如「每周三晚8点」「每天早上」")


GroupType = Literal["lead", "fan", "flash"]


class Group(_Model):
    type: GroupType = Field("lead", description="群类型：lead 引流群 / fan 粉丝群 / flash 快闪群")
    name: NonEmpty = Field(description="群名（不含编号），如「林家果园福利群」")
    first_number: int = Field(6, ge=1, le=999, description="第一个群的编号；建议从6、7开始，不从1开始")
    duration_days: int = Field(3, ge=1, le=30, description="活动天数；引流群一般3-5天，结束后解散")
    start_date: CampaignDate | None = Field(
        None, description="开群日期（YYYY-MM-DD）；填了以后截止日期写成具体日期，更可信"
    )
    services: list[Service] = Field(min_length=1, description="群里按时提供的服务，至少一项")

    @model_validator(mode="after")
    def _lead_groups_are_short(self) -> "Group":
        if self.type == "lead" and self.duration_days > 7:
            raise ValueError("引流群活动不宜超过7天（一般3-5天），请缩短 duration_days 或改为 fan 粉丝群")
        return self


class InviteMechanic(_Model):
    kind: Literal["invite"] = "invite"
    friends: int = Field(3, ge=1, le=50, description="邀请几位好友进群")


class GroupGoalMechanic(_Model):
    kind: Literal["group_goal"] = "group_goal"
    members: int = Field(ge=10, le=500, description="群满多少人，全员都能领")


class ThresholdMechanic(_Model):
    kind: Literal["threshold"] = "threshold"
    condition: NonEmpty = Field(description="达成条件，如「连续打卡7天」「群内下单满59元」")


Mechanic = Annotated[
    Union[InviteMechanic, GroupGoalMechanic, ThresholdMechanic], Field(discriminator="kind")
]


class Lure(_Model):
    item: NonEmpty = Field(description="诱饵是什么，如「车厘子」「《考研英语高频词》电子版」")
    quantity: float = Field(1, gt=0, le=100000, description="数量，如 500")
    unit: NonEmpty = Field("份", max_length=8, description="单位，如 g、斤、盒、片、份")
    value_yuan: float | None = Field(None, ge=0, le=50000, description="价值（元）；可留空")
    relation: NonEmpty = Field(description="诱饵和主营产品的关系，如「店里当季主推的智利车厘子」")
    mechanic: Mechanic = Field(default_factory=InviteMechanic, description="领取方式")
    deadline: CampaignDate | None = Field(None, description="截止日期；不填则为活动最后一天")
    delivery: NonEmpty = Field("完成后24小时内发出", description="完成任务后多久兑现，如「当天下午送到家」")
    claimed: int | None = Field(None, ge=0, description="已领取人数（真实数字），用于「已有N人领取」")
    proof: list[NonEmpty] = Field(
        default_factory=list, description="让人相信的事实，如「顺丰冷链」「坏果包赔」「领取记录群内可查」"
    )

    @field_validator("quantity")
    @classmethod
    def _whole_when_possible(cls, v: float) -> float:
        return int(v) if float(v).is_integer() else v


class GroupRules(_Model):
    banned: list[NonEmpty] = Field(
        default_factory=lambda: ["发广告和链接", "发二维码", "刷屏", "私加群友推销"],
        min_length=1,
        description="群里不允许的事",
    )
    penalty: list[NonEmpty] = Field(
        default_factory=lambda: ["第一次私聊提醒", "第二次移出群聊"],
        min_length=1,
        description="违规后怎么处理，按次数写",
    )


TopicForm = Literal["question", "vote", "relay", "photo", "game", "story"]


class Topic(_Model):
    theme: NonEmpty = Field(description="话题，如「你家娃最爱吃的水果」")
    options: list[NonEmpty] = Field(default_factory=list, description="投票选项（可选，2-4个）")
    form: TopicForm | None = Field(
        None, description="形式：question 提问 / vote 投票 / relay 接龙 / photo 晒图 / game 小游戏 / story 故事；不填自动轮换"
    )

    @model_validator(mode="after")
    def _vote_needs_options(self) -> "Topic":
        if self.form == "vote" and len(self.options) < 2:
            raise ValueError("投票话题至少需要2个选项（options）")
        if len(self.options) > 4:
            raise ValueError("选项最多4个，多了没人回")
        return self


ChannelKind = Literal["poster", "moments", "private", "qrcode"]


class Channel(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,29}$")] = Field(
        description="渠道编号（英文小写，≤30字符，对应企业微信渠道活码的 state）"
    )
    name: NonEmpty = Field(description="渠道名，如「门店收银台海报」")
    kind: ChannelKind = Field("qrcode", description="poster 海报 / moments 朋友圈 / private 私聊 / qrcode 渠道活码")
    audience: str = Field("", max_length=30, description="从这个渠道来的人怎么称呼，如「门店扫码的邻居」，用于千人千面欢迎语")


class Offer(_Model):
    offer: str = Field("", max_length=60, description="给这类人的专属福利，如「回群领5元无门槛券」；可留空")


class Segments(_Model):
    active: Offer = Field(default_factory=Offer, description="活跃成员")
    lurker: Offer = Field(default_factory=Offer, description="潜水成员")
    dealhunter: Offer = Field(default_factory=Offer, description="只领福利的成员")
    lapsed_30: Offer = Field(default_factory=Offer, description="30天没互动")
    lapsed_60: Offer = Field(default_factory=Offer, description="60天及以上没互动")


class Voice(_Model):
    persona: NonEmpty = Field("店主", max_length=12, description="以谁的身份说话，如「宝妈」「学姐」「店主」")
    name: NonEmpty = Field("小助手", max_length=12, description="运营者的称呼，如「小林」")
    address: NonEmpty = Field("大家", max_length=8, description="对群友的称呼，如「姐妹们」「宝子们」「同学们」")
    emoji: bool = Field(True, description="是否使用表情")


class Closing(_Model):
    next_step: NonEmpty = Field(
        description="引流群结束后去哪里，如「加店主微信，每天朋友圈发当天特价」"
    )


class Campaign(_Model):
    """A whole campaign: the only input of ``copygen pack``."""

    brand: Brand
    audience: Audience
    group: Group
    lure: Lure
    rules: GroupRules = Field(default_factory=GroupRules)
    topics: list[Topic] = Field(min_length=1, description="话题库，按天轮流使用")
    channels: list[Channel] = Field(
        default_factory=lambda: [Channel(id="default", name="群活码", kind="qrcode")],
        min_length=1,
        description="渠道；每个 qrcode 渠道生成一条自己的入群欢迎语",
    )
    segments: Segments = Field(default_factory=Segments)
    voice: Voice = Field(default_factory=Voice)
    closing: Closing

    @model_validator(mode="after")
    def _consistent(self) -> "Campaign":
        ids = [c.id for c in self.channels]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"渠道编号重复：{', '.join(dupes)}")
        if self.lure.deadline and self.group.start_date and self.lure.deadline < self.group.start_date:
            raise ValueError("lure.deadline 早于 group.start_date")
        return self


MAX_LISTED = 5  # errors named in the one-line message; the rest are counted


def parse_campaign(data: object, source: str = "<campaign>") -> Campaign:
    """Validate already-loaded data; raise InputError: one line naming each wrong field."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: 活动文件的顶层必须是一个映射（键: 值）")
    try:
        return Campaign.model_validate(data)
    except ValidationError as err:
        errors = field_errors(err)
        shown = "；".join(errors[:MAX_LISTED]) + (f"；另有 {len(errors) - MAX_LISTED} 处" if len(errors) > MAX_LISTED else "")
        raise InputError(f"{source}: 活动文件有 {err.error_count()} 处错误：{shown}") from None


def load_campaign(path: str | Path) -> Campaign:
    """Read a YAML or JSON campaign file."""
    return parse_campaign(read_data(path, "活动文件"), str(path))


def campaign_schema() -> dict:
    return Campaign.model_json_schema()
