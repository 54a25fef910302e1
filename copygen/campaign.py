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


def _short(n: int):
    """A non-empty string of at most n characters (a Field(max_length) beside NonEmpty would be ignored)."""
    return Annotated[str, Field(min_length=1, max_length=n)]


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
    who: NonEmpty = Field(description="目标人群（给自己看的描述，不会原样写进文案），如「附近宝妈」「考研学生」")
    identity: str = Field(
        "", max_length=20,
        description="群友的身份，会写进欢迎语「群里都是……」，如「小区里带娃的宝妈」；可留空",
    )
    needs: list[NonEmpty] = Field(min_length=1, description="他们的需求或痛点，至少一条")


HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class Service(_Model):
    what: NonEmpty = Field(description="群里提供的服务，如「真题直播」「当天特价」")
    when: NonEmpty = Field(description="什么时候，如「每周三晚8点」「每天早上」")
    time: HHMM | None = Field(None, description="几点开始（HH:MM），如 \"20:00\"；填了以后别的消息会避开这个时间")
    recurring: bool = Field(True, description="是否每天/每周都有；一次性的活动写 false 并填 day")
    day: int | None = Field(None, ge=1, le=60, description="一次性活动在活动第几天，如 3")

    @model_validator(mode="after")
    def _one_off_has_day(self) -> "Service":
        if not self.recurring and self.day is None:
            raise ValueError("一次性的服务（recurring: false）需要写 day：活动第几天，如 day: 3")
        return self


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


class FlashMechanic(_Model):
    kind: Literal["flash"] = "flash"
    quota: int = Field(ge=1, le=10000, description="限量几份，先到先得，如 50")
    day: int = Field(1, ge=1, le=60, description="活动第几天开抢")
    time: HHMM = Field("20:00", description="几点开抢（HH:MM）")
    reply: _short(6) = Field("抢", description="群里回复什么算报名，如「抢」「要」")


Mechanic = Annotated[
    Union[InviteMechanic, GroupGoalMechanic, ThresholdMechanic, FlashMechanic], Field(discriminator="kind")
]

LureType = Literal["goods", "coupon", "service", "course", "digital"]
ClaimMethod = Literal["ship", "pickup", "in_store", "booking", "online"]


class Claim(_Model):
    """How a winner actually gets the lure: where, when, how long it is valid, who may claim."""

    method: ClaimMethod | None = Field(
        None,
        description="怎么兑现：ship 寄到家 / pickup 到店自提 / in_store 到店核销使用 / booking 约时间（上门、上课）/ "
        "online 线上发（链接、电子版）；不填按诱饵类型推断",
    )
    where: str = Field("", max_length=40, description="到哪里领或用，如「幸福里店收银台」「学府路校区或线上」")
    hours: str = Field("", max_length=30, description="营业或可约时间，如「每天9:00-21:00」")
    valid_days: int | None = Field(None, ge=1, le=366, description="领到后几天内有效，如 30")
    valid_until: CampaignDate | None = Field(None, description="有效期到哪天（YYYY-MM-DD）")
    limit_per_person: int | None = Field(None, ge=1, le=100, description="每人限领几份，如 1")
    stock: int | None = Field(None, ge=1, le=1000000, description="一共多少份，如 300")
    eligible: str = Field("", max_length=40, description="谁能领，如「没办过卡的新朋友」；可留空")
    not_reached: str = Field("", max_length=60, description="没达成时怎么办，如「没凑满也送一张5元券」；可留空")


# How a lure's type is guessed when the file does not say (the first match wins).
_TYPE_HINTS: tuple[tuple[LureType, tuple[str, ...]], ...] = (
    ("coupon", ("券", "代金", "红包", "折扣卡")),
    ("course", ("课", "讲", "训练营")),
    ("digital", ("电子版", "PDF", "pdf", "资料", "模板", "网盘", "课件")),
    ("service", ("体验卡", "清洗", "保洁", "理发", "剪发", "洗剪吹", "护理", "按摩", "美甲", "上门", "维修", "检测")),
)
_SERVICE_UNITS = ("次", "天", "周", "个月", "月", "小时", "分钟")
_CLAIM_BY_TYPE: dict[str, str] = {
    "goods": "ship", "coupon": "online", "service": "booking", "course": "booking", "digital": "online",
}


class Lure(_Model):
    item: NonEmpty = Field(description="诱饵是什么，如「车厘子」「《考研英语高频词》电子版」")
    type: LureType | None = Field(
        None,
        description="诱饵类型：goods 实物 / coupon 券 / service 服务（一次或几次）/ course 体验课、课程 / "
        "digital 电子资料；不填按诱饵名推断",
    )
    quantity: float = Field(1, gt=0, le=100000, description="数量，如 500")
    unit: _short(8) = Field("份", description="单位，如 g、斤、盒、片、份")
    value_yuan: float | None = Field(None, ge=0, le=50000, description="价值（元）；可留空")
    relation: NonEmpty = Field(description="诱饵和主营产品的关系，如「店里当季主推的智利车厘子」")
    mechanic: Mechanic = Field(default_factory=InviteMechanic, description="领取方式")
    deadline: CampaignDate | None = Field(None, description="截止日期；不填则为活动最后一天")
    delivery: NonEmpty = Field("完成后24小时内发出", description="完成任务后多久兑现，如「当天下午送到家」")
    claimed: int | None = Field(None, ge=0, description="已领取人数（真实数字），用于「已有N人领取」")
    proof: list[NonEmpty] = Field(
        default_factory=list, description="让人相信的事实，如「顺丰冷链」「坏果包赔」「领取记录群内可查」"
    )
    claim: Claim = Field(default_factory=Claim, description="怎么领、在哪领、有效期、每人限领、库存")

    @property
    def kind(self) -> LureType:
        """The lure's type as written, or guessed from its name and unit."""
        if self.type:
            return self.type
        for kind, hints in _TYPE_HINTS:
            if any(h in self.item for h in hints) or (kind == "coupon" and self.unit == "张" and "券" in self.item):
                return kind
        if self.unit in _SERVICE_UNITS:
            return "service"
        return "goods"

    @property
    def claim_method(self) -> str:
        return self.claim.method or _CLAIM_BY_TYPE[self.kind]

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
    answer: str = Field("", max_length=40, description="猜谜、小游戏的答案（揭晓时用），如「elephant（大象）」")
    clue: str = Field("", max_length=40, description="给玩家的提示，如「e开头，8个字母」")
    example: str = Field("", max_length=40, description="接龙的第一条示范（群主先写），如「北京外国语大学」")

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


EmojiLevel = Literal["none", "few", "many"]


class Voice(_Model):
    persona: _short(12) = Field("店主", description="以谁的身份说话，如「宝妈」「学姐」「店主」")
    name: _short(12) = Field("小助手", description="运营者的称呼，如「小林」")
    intro: str = Field(
        "", max_length=60, description="一句自我介绍（第一次出场时用），如「我是林姐，在幸福里开了8年水果店」；可留空",
    )
    address: _short(8) = Field("大家", description="对群友的称呼，如「姐妹们」「宝子们」「同学们」")
    emoji: bool | EmojiLevel = Field(
        True, description="表情多少：none 不用 / few 少量 / many 多一些（true 等于 many，false 等于 none）"
    )
    trade_emoji: str | None = Field(
        None, max_length=8, description="代表你这一行的表情，如 \"🧋\"；不填按行业选，写空字符串表示不用"
    )

    @property
    def emoji_level(self) -> str:
        if isinstance(self.emoji, bool):
            return "many" if self.emoji else "none"
        return self.emoji


PackKind = Literal[
    "lure.poster", "lure.moments", "lure.private", "lure.nudge", "lure.flash", "lure.progress", "lure.fulfilment",
    "welcome.group", "welcome.private", "rules", "topic", "closing",
    "wakeup.active", "wakeup.lurker", "wakeup.dealhunter", "recall.light", "recall.deep",
]
Target = Literal["group", "private", "moments", "poster"]


class PackControls(_Model):
    """What the pack contains and when things go out."""

    skip: list[PackKind] = Field(default_factory=list, description="不要生成的文案类型，如 [wakeup.lurker, recall.deep]")
    targets: list[Target] = Field(
        default_factory=lambda: ["group", "private", "moments", "poster"], min_length=1,
        description="要哪些渠道的文案：group 群内 / private 私聊 / moments 朋友圈 / poster 海报",
    )
    nudge_cap: int = Field(1, ge=0, le=3, description="每天最多几条进度播报（0 表示不播报）")
    times: dict[PackKind, HHMM] = Field(
        default_factory=dict, description="改某类文案的发送时间，如 {topic: \"20:30\", lure.nudge: \"12:00\"}"
    )
    quiet_hours: tuple[HHMM, HHMM] = Field(
        ("22:00", "08:00"), description="免打扰时段 [开始, 结束]，这段时间不安排群发"
    )


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
    occasion: str = Field("", max_length=10, description="节日或时节，如「开学」「国庆」「母亲节」；文案会顺带提一句")
    pack: PackControls = Field(default_factory=PackControls, description="生成哪些文案、什么时候发")

    @model_validator(mode="after")
    def _consistent(self) -> "Campaign":
        ids = [c.id for c in self.channels]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"渠道编号重复：{', '.join(dupes)}")
        g, lure = self.group, self.lure
        if lure.deadline and not g.start_date:
            raise ValueError("lure.deadline: 写了截止日期就要写开群日期 group.start_date，如 start_date: 2026-12-03")
        if lure.deadline and g.start_date:
            last = g.start_date + dt.timedelta(days=g.duration_days - 1)
            if lure.deadline < g.start_date:
                raise ValueError(f"lure.deadline: 截止日期 {lure.deadline} 早于开群日期 group.start_date {g.start_date}")
            if lure.deadline > last and g.type != "fan":
                raise ValueError(
                    f"lure.deadline: 截止日期 {lure.deadline} 在群解散之后（群开 {g.duration_days} 天，最后一天是 {last}）；"
                    "请改到最后一天或之前")
        if lure.claim.valid_until and g.start_date and lure.claim.valid_until < g.start_date:
            raise ValueError(f"lure.claim.valid_until: 有效期 {lure.claim.valid_until} 早于开群日期 {g.start_date}")
        for i, s in enumerate(g.services):
            if s.day is not None and s.day > g.duration_days:
                raise ValueError(f"group.services.{i}.day: 第{s.day}天超出了活动天数 duration_days={g.duration_days}")
        m = lure.mechanic
        if m.kind == "flash" and m.day > g.duration_days:
            raise ValueError(f"lure.mechanic.day: 第{m.day}天开抢超出了活动天数 duration_days={g.duration_days}")
        if m.kind == "flash" and lure.claim.stock and lure.claim.stock != m.quota:
            raise ValueError("lure.claim.stock 和 lure.mechanic.quota 不一致：限量多少份只写一处就好")
        return self


def parse_campaign(data: object, source: str = "<campaign>") -> Campaign:
    """Validate already-loaded data; raise InputError: one line naming each wrong field."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: 活动文件的顶层必须是一个映射（键: 值）")
    try:
        return Campaign.model_validate(data)
    except ValidationError as err:
        lines = field_errors(err, Campaign)
        more = f"；另外 {len(lines) - 1} 处：{'；'.join(lines[1:])}" if len(lines) > 1 else ""
        raise InputError(f"{source}: {lines[0]}{more}") from None


def load_campaign(path: str | Path) -> Campaign:
    """Read a YAML or JSON campaign file."""
    return parse_campaign(read_data(path, "活动文件"), str(path))


def campaign_schema() -> dict:
    return Campaign.model_json_schema()
