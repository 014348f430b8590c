"""Deterministic demo content for the 万商 demo marketplace.

Pure Python (stdlib only, no Django imports) so it can be imported by management commands, tests and
scripts alike. Everything random goes through a local ``random.Random`` built from the caller's seed; the
module never touches the global random state, so the same seed always yields the same data.

What is here:

* ``CATEGORY_TREE`` – three-level platform category tree. Leaves (level 3) carry ``attributes`` (attribute
  template), ``spec_axes`` (SKU axes; an axis may carry ``price_step_pct`` meaning each later value costs
  that much more, e.g. storage or net weight), ``price_range_fen``, ``weight_g_range`` and ``title_parts``.
* ``BRANDS`` – fictional brands tagged with top-level category slugs.
* ``SHOPS`` / ``PENDING_APPLICATIONS`` – demo merchants with valid 统一社会信用代码.
* ``DISTRICTS`` and ``buyers()`` – buyer accounts with addresses in real county-level districts.
* ``products_for_shop()`` – product dicts with SKU matrices, EAN-13 barcodes and sane prices.

Text is written to avoid the absolute terms banned by the 广告法 (see ``BANNED_TERMS``).
"""

from __future__ import annotations

import html
import itertools
import random
import zlib
from collections.abc import Iterator

__all__ = [
    "BANNED_TERMS",
    "BRANDS",
    "BUYER_PHONE_PREFIX",
    "CATEGORY_TREE",
    "CREDIT_CODE_CHARSET",
    "CREDIT_CODE_WEIGHTS",
    "DISTRICTS",
    "PENDING_APPLICATIONS",
    "SHOPS",
    "brands_for_shop",
    "buyers",
    "contains_banned_term",
    "credit_code_check_char",
    "credit_code_is_valid",
    "credit_code_make",
    "ean13_check_digit",
    "ean13_is_valid",
    "iter_categories",
    "leaf_categories",
    "nice_price_fen",
    "products_for_shop",
]

# ---------------------------------------------------------------------------------------------------------
# 广告法 absolute terms that must never appear in generated copy.
# ---------------------------------------------------------------------------------------------------------

BANNED_TERMS: tuple[str, ...] = (
    "最",
    "第一",
    "顶级",
    "国家级",
    "唯一",
    "极致",
    "100%",
    "100％",
    "首个",
    "首选",
    "全网",
    "独家",
    "万能",
    "绝对",
    "极品",
    "王牌",
    "冠军",
    "世界级",
    "史无前例",
    "永久",
    "无敌",
    "巅峰",
)


def contains_banned_term(text: str) -> bool:
    return any(term in (text or "") for term in BANNED_TERMS)


# ---------------------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015) and EAN-13.
# ---------------------------------------------------------------------------------------------------------

# The standard's 31-character set: digits and capitals without I, O, S, V, Z. (Note: M *is* included – the
# modulus is 31, so the set must have 31 characters; codes issued since 2015 commonly contain "MA".)
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 组织机构代码 body weights


def credit_code_check_char(first17: str) -> str:
    """The 18th character for the first 17: 31 - (Σ value×weight mod 31), with 31 mapped to '0'."""
    if len(first17) != 17:
        raise ValueError("need exactly 17 characters")
    total = sum(CREDIT_CODE_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_is_valid(code: str) -> bool:
    """True when ``code`` is an 18-character code in the GB 32100 charset, with a 6-digit region code at
    positions 3–8 and a correct check character. Strict: no stripping or case folding."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(ch not in CREDIT_CODE_CHARSET for ch in code) or not code[2:8].isdigit():
        return False
    return credit_code_check_char(code[:17]) == code[17]


def _org_code_check_char(body8: str) -> str:
    """GB 11714 check character for an 8-character organization code body (letters count A=10 … Z=35)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


_CREDIT_REGIONS = ("110105", "310115", "440305", "330106", "510107", "420111", "320508", "350203", "440606")
_ORG_BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code_make(seed: int, region_code: str | None = None) -> str:
    """A valid 统一社会信用代码 derived from ``seed``: '9' (工商) + '1' (企业) + 6-digit region code + 9-char
    organization code (with its own GB 11714 check character) + GB 32100 check character."""
    rng = random.Random(f"credit-code:{seed}")
    region = region_code or rng.choice(_CREDIT_REGIONS)
    if len(region) != 6 or not region.isdigit():
        raise ValueError("region_code must be 6 digits")
    if rng.random() < 0.7:  # post-2015 style: MA + 6 characters
        body = "MA" + "".join(rng.choice(_ORG_BODY_CHARS) for _ in range(6))
    else:  # legacy all-digit organization code
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region + body + _org_code_check_char(body)
    return first17 + credit_code_check_char(first17)


def ean13_check_digit(first12: str) -> str:
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("need exactly 12 digits")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def ean13_is_valid(code: str) -> bool:
    return (
        isinstance(code, str)
        and len(code) == 13
        and code.isdigit()
        and ean13_check_digit(code[:12]) == code[12]
    )


# ---------------------------------------------------------------------------------------------------------
# Category tree.
# ---------------------------------------------------------------------------------------------------------


def _a(name: str, options: list[str], required: bool = False, examples: list[str] | None = None) -> dict:
    attr = {"name": name, "options": list(options), "required": required}
    if examples:  # suggestions for free-text attributes (options == [])
        attr["examples"] = list(examples)
    return attr


def _ax(name: str, values: list[str], step_pct: int = 0) -> dict:
    axis = {"name": name, "values": list(values)}
    if step_pct:
        axis["price_step_pct"] = step_pct
    return axis


def _leaf(
    name,
    slug,
    *,
    attributes,
    spec_axes,
    price,
    weight,
    nouns,
    adjectives,
    selling_points,
    prefixes=None,
    models=None,
) -> dict:
    parts = {"nouns": nouns, "adjectives": adjectives, "selling_points": selling_points}
    if prefixes:
        parts["prefixes"] = prefixes
    if models:
        parts["models"] = models
    return {
        "name": name,
        "slug": slug,
        "attributes": attributes,
        "spec_axes": spec_axes,
        "price_range_fen": price,
        "weight_g_range": weight,
        "title_parts": parts,
    }


_SEASON_PREFIXES = ["2026春夏新款", "2026秋冬新款", "2026早秋新款", "夏季薄款", "春秋款"]
_COLORS_BASIC = ["黑色", "白色", "浅灰", "藏青色"]
_SKIN = ["干性肌肤", "油性肌肤", "混合性肌肤", "敏感肌", "各类肤质"]
_GENDER = ["男款", "女款", "男女同款"]

_ORIGINS_GENERAL = ["浙江杭州", "广东深圳", "江苏苏州", "福建厦门", "山东青岛", "广东佛山"]

CATEGORY_TREE: list[dict] = [
    {
        "name": "服饰内衣",
        "slug": "apparel",
        "children": [
            {
                "name": "女装",
                "slug": "womens",
                "children": [
                    _leaf(
                        "连衣裙",
                        "dresses",
                        attributes=[
                            _a("材质", ["棉", "涤纶", "雪纺", "真丝", "醋酸", "亚麻"], True),
                            _a("风格", ["法式", "通勤", "复古", "韩系", "简约", "度假"], True),
                            _a("袖长", ["无袖", "短袖", "七分袖", "长袖"]),
                            _a("裙长", ["短裙", "中长款", "长裙"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["黑色", "白色", "雾霾蓝", "燕麦色", "碎花米白", "酒红色"]),
                            _ax("尺码", ["S", "M", "L", "XL", "XXL"]),
                        ],
                        price=(8900, 59900),
                        weight=(200, 700),
                        nouns=["连衣裙", "长裙", "衬衫裙", "吊带裙", "针织裙"],
                        adjectives=[
                            "法式复古碎花",
                            "气质收腰",
                            "温柔风",
                            "小众设计感",
                            "通勤简约",
                            "度假风雪纺",
                            "高级感缎面",
                            "方领泡泡袖",
                        ],
                        selling_points=[
                            "收腰显瘦中长款",
                            "气质裙子",
                            "显白百搭",
                            "垂感好不易皱",
                            "小个子可穿",
                            "宽松遮肉",
                            "约会出游",
                        ],
                        prefixes=_SEASON_PREFIXES,
                    ),
                    _leaf(
                        "女士T恤",
                        "womens-tshirts",
                        attributes=[
                            _a("材质", ["纯棉", "新疆棉", "莫代尔", "冰丝", "棉混纺"], True),
                            _a("领型", ["圆领", "V领", "半高领", "翻领"]),
                            _a("版型", ["宽松", "修身", "常规"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "黑色", "浅灰", "奶杏色", "薄荷绿"]),
                            _ax("尺码", ["S", "M", "L", "XL"]),
                        ],
                        price=(3900, 19900),
                        weight=(120, 300),
                        nouns=["T恤", "短袖T恤", "长袖T恤", "打底衫"],
                        adjectives=["纯色基础款", "重磅纯棉", "字母印花", "宽松落肩", "修身显瘦", "简约百搭"],
                        selling_points=[
                            "亲肤透气",
                            "不易变形",
                            "内搭外穿",
                            "休闲上衣",
                            "显白不挑人",
                            "多色可选",
                        ],
                        prefixes=_SEASON_PREFIXES,
                    ),
                    _leaf(
                        "针织衫/毛衣",
                        "womens-sweaters",
                        attributes=[
                            _a("材质", ["羊毛", "羊绒", "腈纶", "马海毛", "棉线"], True),
                            _a("厚薄", ["薄款", "常规", "加厚"]),
                            _a("领型", ["圆领", "高领", "V领", "半高领"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["米白", "燕麦色", "焦糖色", "雾霾蓝", "黑色"]),
                            _ax("尺码", ["S", "M", "L", "XL"]),
                        ],
                        price=(12900, 89900),
                        weight=(250, 700),
                        nouns=["针织衫", "毛衣", "针织开衫", "套头毛衣"],
                        adjectives=["慵懒风", "软糯", "复古麻花", "温柔奶系", "简约纯色", "小香风"],
                        selling_points=["宽松外穿", "保暖不扎", "内搭打底", "亲肤柔软", "百搭显瘦"],
                        prefixes=["2026秋冬新款", "2026早秋新款", "冬季加厚", "秋季新款"],
                    ),
                ],
            },
            {
                "name": "男装",
                "slug": "mens",
                "children": [
                    _leaf(
                        "男士衬衫",
                        "mens-shirts",
                        attributes=[
                            _a("材质", ["纯棉", "牛津纺", "亚麻", "天丝", "竹纤维"], True),
                            _a("袖长", ["长袖", "短袖"], True),
                            _a("版型", ["修身", "常规", "宽松"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "浅蓝", "条纹蓝", "灰色", "黑色"]),
                            _ax("尺码", ["38", "39", "40", "41", "42", "43"]),
                        ],
                        price=(9900, 45900),
                        weight=(200, 400),
                        nouns=["衬衫", "商务衬衫", "休闲衬衣", "牛津纺衬衫"],
                        adjectives=["免烫抗皱", "商务正装", "简约纯色", "休闲条纹", "青年修身"],
                        selling_points=["职场通勤", "挺括有型", "透气舒适", "易打理", "四季可穿"],
                        prefixes=["2026春季新款", "2026秋季新款", "夏季薄款", "春秋款"],
                    ),
                    _leaf(
                        "夹克外套",
                        "mens-jackets",
                        attributes=[
                            _a("材质", ["涤纶", "棉", "尼龙", "PU"], True),
                            _a("适用季节", ["春季", "秋季", "冬季"]),
                            _a("版型", ["修身", "常规", "宽松"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["黑色", "卡其色", "军绿色", "藏青色"]),
                            _ax("尺码", ["M", "L", "XL", "2XL", "3XL"]),
                        ],
                        price=(19900, 99900),
                        weight=(500, 1200),
                        nouns=["夹克", "外套", "工装夹克", "棒球服"],
                        adjectives=["立领休闲", "美式复古", "商务休闲", "连帽防风", "简约纯色"],
                        selling_points=["防风保暖", "百搭上衣", "多口袋设计", "不起球", "通勤休闲"],
                        prefixes=["2026春秋新款", "2026秋冬新款", "秋季新款"],
                    ),
                    _leaf(
                        "休闲裤",
                        "mens-casual-pants",
                        attributes=[
                            _a("材质", ["棉", "弹力棉", "涤纶", "冰丝"], True),
                            _a("裤长", ["九分裤", "长裤"]),
                            _a("版型", ["直筒", "锥形", "修身"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["黑色", "卡其色", "深灰", "藏青色"]),
                            _ax("尺码", ["28", "29", "30", "31", "32", "33", "34", "36"]),
                        ],
                        price=(7900, 35900),
                        weight=(300, 600),
                        nouns=["休闲裤", "长裤", "工装裤", "直筒裤"],
                        adjectives=["弹力免烫", "宽松直筒", "垂感西裤风", "束脚运动风", "商务休闲"],
                        selling_points=["显腿长", "透气不闷", "四季可穿", "抗皱易打理", "百搭裤子"],
                        prefixes=["2026春夏新款", "2026秋冬新款", "夏季薄款", "春秋款"],
                    ),
                ],
            },
            {
                "name": "内衣家居服",
                "slug": "underwear-homewear",
                "children": [
                    _leaf(
                        "睡衣家居服",
                        "pajamas",
                        attributes=[
                            _a("材质", ["纯棉", "珊瑚绒", "莫代尔", "真丝"], True),
                            _a("适用季节", ["春秋", "夏季", "冬季"]),
                            _a("款式", ["套装", "睡裙", "睡袍"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["浅粉", "浅蓝", "灰色", "格纹"]),
                            _ax("尺码", ["M", "L", "XL", "XXL"]),
                        ],
                        price=(5900, 29900),
                        weight=(250, 800),
                        nouns=["睡衣", "家居服套装", "睡衣套装", "居家服"],
                        adjectives=["长袖纯棉", "卡通可爱", "简约条纹", "冰丝薄款", "加厚珊瑚绒"],
                        selling_points=["可外穿", "亲肤舒适", "宽松不勒", "居家休闲", "柔软透气"],
                    ),
                    _leaf(
                        "袜子",
                        "socks",
                        attributes=[
                            _a("材质", ["精梳棉", "羊毛", "竹纤维", "锦纶"], True),
                            _a("袜筒", ["船袜", "短筒", "中筒", "长筒"]),
                            _a("适用人群", ["男士", "女士", "男女通用"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["黑白灰混色", "纯黑", "纯白", "彩色"]),
                            _ax("规格", ["5双装", "10双装"], 80),
                        ],
                        price=(1990, 9900),
                        weight=(100, 400),
                        nouns=["袜子", "中筒袜", "船袜", "棉袜"],
                        adjectives=["精梳棉", "吸汗防臭", "薄款透气", "加厚毛圈", "隐形防滑"],
                        selling_points=["四季可穿", "不掉跟", "柔软亲肤", "多双装", "男女同款"],
                    ),
                ],
            },
        ],
    },
    {
        "name": "手机数码",
        "slug": "digital",
        "children": [
            {
                "name": "手机通讯",
                "slug": "mobile",
                "children": [
                    _leaf(
                        "手机",
                        "smartphones",
                        attributes=[
                            _a("屏幕尺寸", ["6.1英寸", "6.5英寸", "6.7英寸", "6.8英寸"], True),
                            _a("网络制式", ["5G双模"], True),
                            _a("电池容量", ["4500mAh", "5000mAh", "5500mAh", "6000mAh"]),
                            _a("充电功率", ["33W", "67W", "100W", "120W"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["曜石黑", "冰川白", "远山蓝", "晨雾紫"]),
                            _ax(
                                "存储容量",
                                ["8GB+128GB", "8GB+256GB", "12GB+256GB", "12GB+512GB", "16GB+1TB"],
                                12,
                            ),
                        ],
                        price=(99900, 899900),
                        weight=(180, 230),
                        nouns=["5G手机", "智能手机", "拍照手机", "游戏手机"],
                        adjectives=["大电池长续航", "轻薄直屏", "曲面屏", "高刷护眼屏", "影像旗舰"],
                        selling_points=[
                            "快充",
                            "5000万像素主摄",
                            "防水防尘",
                            "NFC",
                            "双卡双待",
                            "学生老人可用",
                        ],
                        models=["S12", "S12 Pro", "K9", "K9 Turbo", "Note 15", "Lumo 3", "Aero 8"],
                    ),
                    _leaf(
                        "手机壳",
                        "phone-cases",
                        attributes=[
                            _a("材质", ["硅胶", "TPU", "液态硅胶", "磨砂PC", "皮革"], True),
                            _a("适用机型", ["6.1英寸机型", "6.7英寸机型", "折叠屏机型"], True),
                        ],
                        spec_axes=[_ax("颜色", ["透明", "黑色", "奶白", "薄荷绿", "樱花粉"])],
                        price=(1990, 9900),
                        weight=(20, 60),
                        nouns=["手机壳", "保护套", "防摔壳"],
                        adjectives=["透明磁吸", "液态硅胶", "肤感磨砂", "全包镜头", "简约纯色"],
                        selling_points=["防摔防指纹", "不发黄", "支持无线充电", "轻薄手感", "镜头保护"],
                    ),
                    _leaf(
                        "充电器/数据线",
                        "chargers",
                        attributes=[
                            _a("功率", ["20W", "33W", "65W", "100W"], True),
                            _a("接口", ["USB-C", "USB-A+USB-C", "双USB-C"]),
                            _a("线长", ["1m", "1.5m", "2m"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "黑色"]),
                            _ax("规格", ["单充电头", "充电头+数据线", "数据线2条装"], 20),
                        ],
                        price=(2990, 19900),
                        weight=(50, 200),
                        nouns=["充电器", "快充头", "氮化镓充电器", "快充套装"],
                        adjectives=["多口", "小巧便携", "双口快充", "PD", "折叠插脚"],
                        selling_points=[
                            "多协议兼容",
                            "智能温控",
                            "笔记本手机通用",
                            "附编织数据线",
                            "出差便携",
                        ],
                    ),
                ],
            },
            {
                "name": "影音穿戴",
                "slug": "audio-wearables",
                "children": [
                    _leaf(
                        "蓝牙耳机",
                        "earbuds",
                        attributes=[
                            _a("佩戴方式", ["入耳式", "半入耳式", "头戴式", "挂耳式"], True),
                            _a("降噪", ["主动降噪", "通话降噪", "无"]),
                            _a("续航", ["24小时", "30小时", "40小时"]),
                        ],
                        spec_axes=[_ax("颜色", ["星空黑", "月光白", "湖水蓝"])],
                        price=(9900, 129900),
                        weight=(40, 300),
                        nouns=["蓝牙耳机", "无线耳机", "降噪耳机", "运动耳机"],
                        adjectives=["真无线", "主动降噪", "开放式", "半入耳", "头戴式"],
                        selling_points=["长续航", "低延迟", "通话清晰", "佩戴舒适", "双设备连接"],
                        models=["Buds 3", "Air Pro", "Free 5", "Wave 2"],
                    ),
                    _leaf(
                        "智能手表",
                        "smartwatches",
                        attributes=[
                            _a("屏幕", ["1.43英寸AMOLED", "1.96英寸AMOLED"], True),
                            _a("续航", ["7天", "10天", "14天"]),
                            _a("健康监测", ["心率监测", "血氧监测", "睡眠监测"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["曜石黑", "雅川青", "星光银"]),
                            _ax("表带", ["氟橡胶表带", "编织表带", "真皮表带"], 10),
                        ],
                        price=(39900, 259900),
                        weight=(30, 80),
                        nouns=["智能手表", "运动手表", "健康手表"],
                        adjectives=["圆形表盘", "方形大屏", "轻薄", "户外运动", "商务"],
                        selling_points=["心率血氧监测", "蓝牙通话", "NFC支付", "百种运动模式", "长续航"],
                        models=["Watch 5", "GT 3", "Fit 2"],
                    ),
                    _leaf(
                        "移动电源",
                        "power-banks",
                        attributes=[
                            _a("输出功率", ["22.5W", "30W", "65W"], True),
                            _a("接口", ["USB-C", "USB-A+USB-C"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "黑色", "浅蓝"]),
                            _ax("容量", ["10000mAh", "20000mAh"], 35),
                        ],
                        price=(5900, 25900),
                        weight=(180, 450),
                        nouns=["充电宝", "移动电源", "磁吸充电宝"],
                        adjectives=["自带线", "超薄小巧", "大容量", "磁吸无线", "双向快充"],
                        selling_points=["可上飞机", "多设备同充", "电量数显", "便携出行", "快充兼容"],
                    ),
                ],
            },
            {
                "name": "电脑办公",
                "slug": "computers",
                "children": [
                    _leaf(
                        "笔记本电脑",
                        "laptops",
                        attributes=[
                            _a("屏幕尺寸", ["14英寸", "15.6英寸", "16英寸"], True),
                            _a("处理器", ["八核处理器", "十二核处理器", "十六核处理器"], True),
                            _a("显卡", ["集成显卡", "独立显卡"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["深空灰", "皓月银"]),
                            _ax("配置", ["16GB+512GB", "16GB+1TB", "32GB+1TB"], 18),
                        ],
                        price=(349900, 1299900),
                        weight=(1200, 2400),
                        nouns=["笔记本电脑", "轻薄本", "游戏本", "商务笔记本"],
                        adjectives=["轻薄便携", "高性能", "2.5K高刷屏", "全金属机身", "学生办公"],
                        selling_points=["长续航", "高色域屏幕", "快速充电", "背光键盘", "多接口扩展"],
                        models=["Book 14", "Book 16 Pro", "Air 14", "Titan 16"],
                    ),
                    _leaf(
                        "键盘",
                        "keyboards",
                        attributes=[
                            _a("连接方式", ["有线", "无线蓝牙", "三模"], True),
                            _a("键数", ["68键", "87键", "98键", "104键"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "黑色", "奶茶色"]),
                            _ax("轴体", ["红轴", "茶轴", "青轴"]),
                        ],
                        price=(9900, 69900),
                        weight=(500, 1200),
                        nouns=["机械键盘", "键盘", "无线键盘"],
                        adjectives=["三模热插拔", "客制化", "静音办公", "RGB背光", "复古圆键"],
                        selling_points=["Gasket结构", "全键无冲", "多设备切换", "办公游戏两用", "手感顺滑"],
                    ),
                    _leaf(
                        "鼠标",
                        "mice",
                        attributes=[
                            _a("连接方式", ["有线", "无线2.4G", "蓝牙双模"], True),
                            _a("DPI", ["4000", "8000", "16000", "26000"]),
                            _a("适用场景", ["办公", "游戏"]),
                        ],
                        spec_axes=[_ax("颜色", ["黑色", "白色", "浅粉"])],
                        price=(4900, 39900),
                        weight=(60, 130),
                        nouns=["鼠标", "无线鼠标", "游戏鼠标"],
                        adjectives=["静音", "轻量化", "人体工学", "双模无线", "可充电"],
                        selling_points=["办公家用", "长续航", "精准定位", "多按键自定义", "笔记本通用"],
                    ),
                ],
            },
        ],
    },
    {
        "name": "家用电器",
        "slug": "appliances",
        "children": [
            {
                "name": "厨房小电",
                "slug": "kitchen-appliances",
                "children": [
                    _leaf(
                        "电饭煲",
                        "rice-cookers",
                        attributes=[
                            _a("内胆材质", ["不粘涂层", "陶晶", "铜晶", "不锈钢"], True),
                            _a("加热方式", ["底盘加热", "IH电磁加热"]),
                            _a("功率", ["700W", "860W", "1200W"]),
                        ],
                        spec_axes=[_ax("颜色", ["月白", "深灰"]), _ax("容量", ["3L", "4L", "5L"], 15)],
                        price=(19900, 129900),
                        weight=(2500, 5500),
                        nouns=["电饭煲", "电饭锅", "IH电饭煲"],
                        adjectives=["智能预约", "IH电磁加热", "球釜内胆", "迷你", "家用多功能"],
                        selling_points=["快煮省时", "米饭香甜", "24小时预约", "一键煲汤", "易清洗"],
                    ),
                    _leaf(
                        "空气炸锅",
                        "air-fryers",
                        attributes=[
                            _a("控制方式", ["旋钮", "触控", "智能APP"], True),
                            _a("功率", ["1350W", "1500W", "1700W"]),
                            _a("可视窗口", ["有", "无"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["象牙白", "曜石黑", "奶油绿"]),
                            _ax("容量", ["4.5L", "5.5L", "6.5L"], 15),
                        ],
                        price=(19900, 69900),
                        weight=(3500, 6000),
                        nouns=["空气炸锅", "空气炸烤箱"],
                        adjectives=["可视", "大容量", "免翻面", "智能触控", "家用多功能"],
                        selling_points=["少油健康", "免预热", "易清洗", "一机多用", "双层烤架"],
                    ),
                    _leaf(
                        "破壁机",
                        "blenders",
                        attributes=[
                            _a("容量", ["1.2L", "1.5L", "1.75L"], True),
                            _a("转速", ["22000转/分", "28000转/分", "35000转/分"]),
                            _a("静音", ["是", "否"]),
                        ],
                        spec_axes=[_ax("颜色", ["白色", "灰色", "浅粉"])],
                        price=(29900, 159900),
                        weight=(3500, 6500),
                        nouns=["破壁机", "豆浆机", "料理机"],
                        adjectives=["轻音", "免滤", "加热", "家用多功能", "小型"],
                        selling_points=["一键清洗", "预约早餐", "细腻免滤", "降噪罩", "多种菜单"],
                    ),
                ],
            },
            {
                "name": "生活电器",
                "slug": "home-appliances",
                "children": [
                    _leaf(
                        "吸尘器",
                        "vacuums",
                        attributes=[
                            _a("类型", ["手持无线", "立式", "卧式"], True),
                            _a("吸力", ["18000Pa", "22000Pa", "25000Pa"]),
                            _a("续航", ["40分钟", "60分钟", "70分钟"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["雅致灰", "香槟金"]),
                            _ax("版本", ["标准版", "除螨版", "宠物版"], 12),
                        ],
                        price=(49900, 299900),
                        weight=(1500, 4000),
                        nouns=["吸尘器", "无线吸尘器", "手持吸尘器"],
                        adjectives=["大吸力", "轻量手持", "防缠绕", "家用无线", "静音"],
                        selling_points=["宠物家庭", "多刷头", "长续航", "可水洗滤网", "一键倒尘"],
                    ),
                    _leaf(
                        "电风扇",
                        "fans",
                        attributes=[
                            _a("类型", ["落地扇", "台扇", "塔扇", "循环扇"], True),
                            _a("控制方式", ["机械", "遥控", "智能APP"]),
                            _a("档位", ["3档", "12档", "无极调速"]),
                        ],
                        spec_axes=[_ax("颜色", ["白色", "灰色"])],
                        price=(9900, 59900),
                        weight=(2000, 6000),
                        nouns=["电风扇", "空气循环扇", "落地扇", "塔扇"],
                        adjectives=["直流变频", "静音", "遥控", "立体摇头", "卧室家用"],
                        selling_points=["定时关机", "轻音睡眠", "大风量", "节能省电", "易拆洗"],
                    ),
                    _leaf(
                        "加湿器",
                        "humidifiers",
                        attributes=[
                            _a("容量", ["3L", "4.5L", "6L"], True),
                            _a("加湿方式", ["超声波", "无雾蒸发式"]),
                            _a("适用面积", ["20㎡以下", "20-40㎡", "40㎡以上"]),
                        ],
                        spec_axes=[_ax("颜色", ["白色", "浅绿", "浅粉"])],
                        price=(7900, 49900),
                        weight=(800, 3000),
                        nouns=["加湿器", "香薰加湿器"],
                        adjectives=["上加水", "大雾量", "静音", "卧室家用", "无雾"],
                        selling_points=["恒湿控制", "缺水断电", "夜灯模式", "易清洗", "办公桌面"],
                    ),
                ],
            },
            {
                "name": "个护电器",
                "slug": "personal-care-appliances",
                "children": [
                    _leaf(
                        "电吹风",
                        "hair-dryers",
                        attributes=[
                            _a("功率", ["1200W", "1600W", "1800W", "2000W"], True),
                            _a("负离子", ["有", "无"]),
                            _a("风速档位", ["3档", "4档", "6档"]),
                        ],
                        spec_axes=[_ax("颜色", ["星空灰", "珍珠白", "玫瑰金"])],
                        price=(9900, 129900),
                        weight=(300, 700),
                        nouns=["电吹风", "吹风机", "高速吹风机"],
                        adjectives=["高速", "负离子", "家用大功率", "折叠便携", "恒温护发"],
                        selling_points=["速干不伤发", "低噪音", "宿舍可用", "冷热风切换", "磁吸风嘴"],
                    ),
                    _leaf(
                        "电动牙刷",
                        "electric-toothbrushes",
                        attributes=[
                            _a("驱动方式", ["声波震动", "磁悬浮声波"], True),
                            _a("清洁模式", ["3种", "5种"]),
                            _a("续航", ["30天", "60天", "90天"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "黑色", "樱花粉"]),
                            _ax("规格", ["单支装", "刷头4支套装"], 25),
                        ],
                        price=(9900, 59900),
                        weight=(150, 400),
                        nouns=["电动牙刷", "声波牙刷"],
                        adjectives=["声波", "软毛", "情侣款", "成人", "长续航"],
                        selling_points=["IPX7防水", "智能定时", "多模式清洁", "充电一次用一个月", "呵护牙龈"],
                    ),
                ],
            },
        ],
    },
    {
        "name": "食品生鲜",
        "slug": "food",
        "children": [
            {
                "name": "休闲零食",
                "slug": "snacks",
                "children": [
                    _leaf(
                        "坚果炒货",
                        "nuts",
                        attributes=[
                            _a("保质期", ["180天", "240天", "270天", "12个月"], True),
                            _a("产地", [], False, ["新疆", "云南", "河北", "浙江临安", "安徽"]),
                            _a("包装方式", ["袋装", "罐装", "礼盒装"]),
                        ],
                        spec_axes=[_ax("净含量", ["500g", "750g", "1kg", "1.5kg"], 40)],
                        price=(2990, 19900),
                        weight=(550, 1700),
                        nouns=["每日坚果", "混合坚果", "夏威夷果", "碧根果", "巴旦木"],
                        adjectives=["奶油味", "原味", "盐焗", "独立小包装", "大颗粒"],
                        selling_points=["休闲零食", "办公室小吃", "孕妇零食", "年货礼盒", "香脆可口"],
                    ),
                    _leaf(
                        "饼干糕点",
                        "biscuits",
                        attributes=[
                            _a("保质期", ["90天", "180天", "240天"], True),
                            _a("产地", [], False, ["福建晋江", "广东东莞", "上海", "江苏苏州"]),
                            _a("包装方式", ["袋装", "盒装", "礼盒装"]),
                        ],
                        spec_axes=[
                            _ax("口味", ["原味", "海苔味", "芝士味", "抹茶味"]),
                            _ax("净含量", ["500g", "1kg"], 60),
                        ],
                        price=(1590, 8900),
                        weight=(500, 1200),
                        nouns=["苏打饼干", "蛋黄酥", "小面包", "曲奇饼干", "糕点"],
                        adjectives=["早餐", "整箱", "网红", "低糖", "手工"],
                        selling_points=["独立包装", "松软香甜", "办公室零食", "宿舍囤货", "营养早餐"],
                    ),
                ],
            },
            {
                "name": "茶饮冲调",
                "slug": "tea-coffee",
                "children": [
                    _leaf(
                        "茶叶",
                        "tea",
                        attributes=[
                            _a("茶类", ["绿茶", "红茶", "乌龙茶", "白茶", "普洱"], True),
                            _a("等级", ["特级", "一级", "二级"]),
                            _a(
                                "产地",
                                [],
                                False,
                                ["浙江杭州", "福建安溪", "云南普洱", "福建福鼎", "安徽黄山"],
                            ),
                            _a("保质期", ["18个月", "24个月"]),
                        ],
                        spec_axes=[_ax("净含量", ["100g", "250g", "500g"], 100)],
                        price=(5900, 59900),
                        weight=(150, 650),
                        nouns=["龙井茶", "铁观音", "普洱茶", "白茶", "正山小种"],
                        adjectives=["2026新茶", "明前", "浓香型", "清香型", "高山"],
                        selling_points=["罐装", "送礼自饮", "口粮茶", "茶香浓郁", "耐泡"],
                    ),
                    _leaf(
                        "咖啡",
                        "coffee",
                        attributes=[
                            _a("类型", ["速溶咖啡", "挂耳咖啡", "咖啡豆", "冻干咖啡粉"], True),
                            _a("烘焙程度", ["浅烘", "中烘", "深烘"]),
                            _a("产地", [], False, ["云南保山", "云南普洱", "海南万宁"]),
                        ],
                        spec_axes=[_ax("规格", ["10袋装", "20袋装", "50袋装"], 80)],
                        price=(2990, 19900),
                        weight=(150, 1000),
                        nouns=["冻干咖啡", "挂耳咖啡", "美式黑咖啡", "咖啡豆"],
                        adjectives=["0蔗糖", "云南小粒", "冷萃", "意式拼配", "现磨"],
                        selling_points=["提神醒脑", "冷水速溶", "办公室必备", "香醇顺滑", "独立小包装"],
                    ),
                ],
            },
            {
                "name": "生鲜水果",
                "slug": "fresh",
                "never_return_kind": "fresh",  # 鲜活易腐: never 7天无理由 (消保法 §25), its subcategories too
                "children": [
                    _leaf(
                        "新鲜水果",
                        "fruits",
                        attributes=[
                            _a("储存条件", ["常温", "冷藏"], True),
                            _a("产地", [], False, ["陕西洛川", "江西赣州", "四川蒲江", "广西百色", "云南"]),
                        ],
                        spec_axes=[_ax("净重", ["2.5kg", "5kg"], 80), _ax("果型", ["中果", "大果"], 15)],
                        price=(3990, 19900),
                        weight=(2600, 5300),
                        nouns=["红富士苹果", "脐橙", "猕猴桃", "芒果", "沃柑"],
                        adjectives=["当季新鲜", "产地直发", "脆甜", "现摘", "整箱"],
                        selling_points=["坏果包赔", "新鲜水果", "果园直供", "清甜多汁", "顺丰冷链"],
                    ),
                    _leaf(
                        "海鲜水产",
                        "seafood",
                        attributes=[
                            _a("储存条件", ["冷冻", "冷藏"], True),
                            _a("产地", [], False, ["山东青岛", "辽宁大连", "福建宁德", "浙江舟山"]),
                            _a("加工方式", ["生鲜", "熟冻", "半成品"]),
                        ],
                        spec_axes=[_ax("净含量", ["500g", "1kg", "2kg"], 80)],
                        price=(5990, 39900),
                        weight=(600, 2300),
                        nouns=["大虾", "带鱼", "鱿鱼", "扇贝", "三文鱼"],
                        adjectives=["鲜冻", "野生", "大号", "去头去内脏", "新鲜"],
                        selling_points=["冷链到家", "海鲜水产", "家庭装", "肉质紧实", "急冻锁鲜"],
                    ),
                ],
            },
            {
                "name": "粮油调味",
                "slug": "grain-oil",
                "children": [
                    _leaf(
                        "大米",
                        "rice",
                        attributes=[
                            _a("品种", ["长粒香", "稻花香", "丝苗米", "珍珠米"], True),
                            _a("产地", [], False, ["黑龙江五常", "吉林", "广东", "江苏"]),
                            _a("保质期", ["12个月", "18个月"]),
                        ],
                        spec_axes=[_ax("净含量", ["2.5kg", "5kg", "10kg"], 85)],
                        price=(2990, 15900),
                        weight=(2550, 10200),
                        nouns=["大米", "东北大米", "稻花香米", "丝苗米"],
                        adjectives=["2026新米", "当季", "真空包装", "软糯", "一级"],
                        selling_points=["粒粒饱满", "家庭装", "软糯香甜", "产地直发", "煮粥香浓"],
                    ),
                    _leaf(
                        "食用油",
                        "cooking-oil",
                        attributes=[
                            _a("油种", ["花生油", "菜籽油", "玉米油", "山茶油", "橄榄油"], True),
                            _a("压榨工艺", ["物理压榨", "冷榨", "浸出"]),
                            _a("保质期", ["18个月", "24个月"]),
                        ],
                        spec_axes=[_ax("净含量", ["1.8L", "5L"], 140)],
                        price=(2990, 29900),
                        weight=(1700, 4800),
                        nouns=["花生油", "菜籽油", "山茶油", "玉米油"],
                        adjectives=["物理压榨", "一级", "非转基因", "浓香", "低温冷榨"],
                        selling_points=["家用炒菜", "香味浓郁", "家庭装", "凉拌炒菜", "清亮透明"],
                    ),
                ],
            },
        ],
    },
    {
        "name": "美妆个护",
        "slug": "beauty",
        "children": [
            {
                "name": "面部护肤",
                "slug": "skincare",
                "children": [
                    _leaf(
                        "面霜",
                        "face-creams",
                        attributes=[
                            _a("功效", ["保湿", "修护", "紧致", "提亮"], True),
                            _a("适用肤质", _SKIN, True),
                            _a("保质期", ["24个月", "36个月"]),
                        ],
                        spec_axes=[_ax("规格", ["30g", "50g"], 50)],
                        price=(9900, 69900),
                        weight=(80, 250),
                        nouns=["面霜", "保湿霜", "修护霜"],
                        adjectives=["补水保湿", "修护屏障", "清爽不油腻", "滋润", "温和"],
                        selling_points=["秋冬补水", "敏感肌可用", "质地轻盈", "锁水保湿", "男女适用"],
                    ),
                    _leaf(
                        "精华",
                        "serums",
                        attributes=[
                            _a("功效", ["淡纹", "修护", "提亮", "保湿"], True),
                            _a("适用肤质", _SKIN),
                            _a("核心成分", ["烟酰胺", "玻尿酸", "胜肽", "积雪草", "维C"]),
                        ],
                        spec_axes=[_ax("规格", ["30ml", "50ml"], 50)],
                        price=(12900, 89900),
                        weight=(80, 250),
                        nouns=["精华液", "精华", "原液"],
                        adjectives=["烟酰胺", "玻尿酸", "胜肽", "积雪草", "维C"],
                        selling_points=["提亮肤色", "舒缓修护", "补水保湿", "质地清爽", "易吸收"],
                    ),
                    _leaf(
                        "面膜",
                        "face-masks",
                        attributes=[
                            _a("类型", ["贴片面膜", "涂抹面膜", "睡眠面膜"], True),
                            _a("功效", ["补水", "舒缓", "清洁", "提亮"]),
                        ],
                        spec_axes=[_ax("规格", ["5片装", "10片装", "20片装"], 80)],
                        price=(4900, 25900),
                        weight=(150, 700),
                        nouns=["面膜", "补水面膜", "清洁面膜", "睡眠面膜"],
                        adjectives=["玻尿酸", "积雪草", "泥膜", "冻干", "蚕丝"],
                        selling_points=["补水保湿", "舒缓修护", "深层清洁", "敏感肌可用", "男女适用"],
                    ),
                ],
            },
            {
                "name": "彩妆",
                "slug": "makeup",
                "children": [
                    _leaf(
                        "口红",
                        "lipsticks",
                        attributes=[
                            _a("质地", ["哑光", "丝绒", "滋润", "镜面"], True),
                            _a("妆效", ["持妆", "显白", "水润"]),
                        ],
                        spec_axes=[
                            _ax(
                                "色号", ["#01 豆沙红", "#02 复古红", "#03 枫叶棕", "#04 蜜桃粉", "#05 番茄红"]
                            )
                        ],
                        price=(5900, 29900),
                        weight=(20, 80),
                        nouns=["口红", "唇釉", "唇泥", "润唇膏"],
                        adjectives=["丝绒哑光", "水光镜面", "小众", "秋冬", "黄皮友好"],
                        selling_points=["显白", "不易沾杯", "滋润不拔干", "送礼礼盒", "学生党"],
                    ),
                    _leaf(
                        "粉底液",
                        "foundations",
                        attributes=[
                            _a("妆效", ["哑光", "水光", "自然"], True),
                            _a("适用肤质", _SKIN),
                            _a("遮瑕力", ["轻薄", "中等", "高遮瑕"]),
                        ],
                        spec_axes=[_ax("色号", ["N00 冷白皮", "N10 象牙白", "N20 自然色", "N30 小麦色"])],
                        price=(9900, 49900),
                        weight=(60, 150),
                        nouns=["粉底液", "气垫", "素颜霜"],
                        adjectives=["持妆控油", "水润轻薄", "遮瑕", "养肤", "混油皮"],
                        selling_points=["不易脱妆", "服帖自然", "干皮友好", "轻薄透气", "自然裸妆"],
                    ),
                ],
            },
            {
                "name": "洗护清洁",
                "slug": "hair-body",
                "children": [
                    _leaf(
                        "洗发水",
                        "shampoos",
                        attributes=[
                            _a("功效", ["控油", "去屑", "蓬松", "柔顺", "修护"], True),
                            _a("适用发质", ["油性", "干性", "中性", "受损发质"]),
                        ],
                        spec_axes=[_ax("规格", ["400ml", "750ml", "1L"], 55)],
                        price=(3990, 15900),
                        weight=(450, 1150),
                        nouns=["洗发水", "洗发露", "洗护套装"],
                        adjectives=["氨基酸", "无硅油", "控油蓬松", "去屑止痒", "香氛"],
                        selling_points=["男女通用", "持久留香", "温和清洁", "家庭装", "柔顺不毛躁"],
                    ),
                    _leaf(
                        "沐浴露",
                        "body-washes",
                        attributes=[
                            _a("功效", ["保湿", "清爽", "滋润"], True),
                            _a("适用人群", ["成人", "男士", "女士", "全家"]),
                        ],
                        spec_axes=[
                            _ax("香型", ["白茶", "樱花", "海盐", "柑橘"]),
                            _ax("规格", ["500ml", "1L"], 60),
                        ],
                        price=(2990, 12900),
                        weight=(550, 1150),
                        nouns=["沐浴露", "沐浴乳", "香氛沐浴露"],
                        adjectives=["氨基酸", "香氛", "烟酰胺", "清爽", "滋润"],
                        selling_points=["持久留香", "温和清洁", "家庭装", "男女通用", "泡沫细腻"],
                    ),
                ],
            },
        ],
    },
    {
        "name": "家居家装",
        "slug": "home",
        "children": [
            {
                "name": "家纺",
                "slug": "home-textiles",
                "children": [
                    _leaf(
                        "床品四件套",
                        "bedding-sets",
                        attributes=[
                            _a("材质", ["纯棉", "长绒棉", "天丝", "水洗棉", "磨毛"], True),
                            _a("工艺", ["活性印染", "提花", "刺绣"]),
                            _a("支数", ["40支", "60支", "80支"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["奶白", "雾霾蓝", "浅灰", "豆沙粉", "格纹"]),
                            _ax("尺寸", ["1.5m床", "1.8m床", "2.0m床"], 10),
                        ],
                        price=(15900, 99900),
                        weight=(1500, 3000),
                        nouns=["四件套", "床上用品", "被套床单"],
                        adjectives=["纯棉", "长绒棉", "简约纯色", "水洗棉", "北欧风"],
                        selling_points=["亲肤裸睡", "不起球", "宿舍家用", "四季通用", "床单被罩"],
                    ),
                    _leaf(
                        "枕头",
                        "pillows",
                        attributes=[
                            _a("填充物", ["乳胶", "记忆棉", "羽绒", "荞麦壳", "纤维棉"], True),
                            _a("枕型", ["标准枕", "颈椎枕", "波浪枕"]),
                        ],
                        spec_axes=[_ax("规格", ["单只装", "一对装"], 85)],
                        price=(4900, 39900),
                        weight=(600, 2000),
                        nouns=["枕头", "枕芯", "护颈枕"],
                        adjectives=["天然乳胶", "记忆棉", "羽绒", "酒店同款", "低枕"],
                        selling_points=["护颈助眠", "可水洗", "家用单人", "回弹支撑", "透气不闷"],
                    ),
                    _leaf(
                        "毛巾浴巾",
                        "towels",
                        attributes=[
                            _a("材质", ["纯棉", "长绒棉", "竹纤维", "珊瑚绒"], True),
                            _a("克重", ["100g", "120g", "150g"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "浅灰", "浅蓝", "浅粉"]),
                            _ax("规格", ["毛巾2条装", "浴巾1条", "毛巾+浴巾套装"], 60),
                        ],
                        price=(2990, 15900),
                        weight=(200, 800),
                        nouns=["毛巾", "浴巾", "毛巾浴巾套装"],
                        adjectives=["纯棉", "长绒棉", "加厚", "A类", "柔软"],
                        selling_points=["吸水速干", "不掉毛", "家用洗脸", "亲肤柔软", "成人儿童可用"],
                    ),
                ],
            },
            {
                "name": "厨具餐具",
                "slug": "kitchenware",
                "children": [
                    _leaf(
                        "炒锅",
                        "woks",
                        attributes=[
                            _a("材质", ["铸铁", "精铁", "不锈钢", "不粘涂层"], True),
                            _a("适用炉灶", ["燃气灶", "电磁炉", "通用"]),
                        ],
                        spec_axes=[_ax("尺寸", ["30cm", "32cm", "34cm"], 10)],
                        price=(8900, 69900),
                        weight=(1500, 3500),
                        nouns=["炒锅", "炒菜锅", "不粘锅"],
                        adjectives=["不粘", "无涂层", "316不锈钢", "麦饭石色", "家用"],
                        selling_points=["少油烟", "燃气电磁炉通用", "受热均匀", "易清洗", "带锅盖"],
                    ),
                    _leaf(
                        "餐具套装",
                        "tableware",
                        attributes=[
                            _a("材质", ["陶瓷", "骨瓷", "釉下彩陶瓷"], True),
                            _a("风格", ["日式", "北欧", "中式"]),
                        ],
                        spec_axes=[
                            _ax("款式", ["青花", "简约白", "莫兰迪"]),
                            _ax("件数", ["10头", "18头", "28头"], 55),
                        ],
                        price=(9900, 59900),
                        weight=(2500, 8000),
                        nouns=["碗碟套装", "餐具套装", "碗盘"],
                        adjectives=["釉下彩", "陶瓷", "日式", "北欧", "轻奢"],
                        selling_points=["家用碗筷", "乔迁送礼", "可微波", "耐高温", "易清洗"],
                    ),
                    _leaf(
                        "保温杯",
                        "vacuum-flasks",
                        attributes=[
                            _a("材质", ["316不锈钢", "304不锈钢"], True),
                            _a("保温时长", ["6小时", "12小时", "24小时"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["象牙白", "雾蓝", "墨绿", "樱花粉"]),
                            _ax("容量", ["350ml", "500ml", "750ml"], 15),
                        ],
                        price=(4900, 25900),
                        weight=(200, 500),
                        nouns=["保温杯", "水杯", "焖茶杯"],
                        adjectives=["316不锈钢", "大容量", "便携", "茶水分离", "简约"],
                        selling_points=["长效保温", "防漏", "办公车载", "男女学生", "一键开盖"],
                    ),
                ],
            },
            {
                "name": "收纳整理",
                "slug": "storage",
                "children": [
                    _leaf(
                        "收纳箱",
                        "storage-boxes",
                        attributes=[_a("材质", ["PP塑料", "布艺", "藤编"], True), _a("可折叠", ["是", "否"])],
                        spec_axes=[
                            _ax("颜色", ["透明", "米白", "浅灰"]),
                            _ax("规格", ["小号", "中号", "大号", "3个装"], 25),
                        ],
                        price=(1990, 15900),
                        weight=(300, 3000),
                        nouns=["收纳箱", "整理箱", "收纳盒"],
                        adjectives=["透明", "可折叠", "加厚", "带滑轮", "大号"],
                        selling_points=["衣物收纳", "宿舍家用", "可叠加", "防尘防潮", "搬家整理"],
                    ),
                    _leaf(
                        "衣架",
                        "hangers",
                        attributes=[
                            _a("材质", ["植绒", "铝合金", "实木", "PP塑料"], True),
                            _a("防滑", ["是", "否"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "灰色", "黑色"]),
                            _ax("规格", ["10个装", "20个装", "50个装"], 80),
                        ],
                        price=(1990, 9900),
                        weight=(300, 2500),
                        nouns=["衣架", "衣撑", "晾衣架"],
                        adjectives=["防滑", "无痕", "植绒", "加粗", "家用"],
                        selling_points=["不留痕迹", "节省空间", "宿舍家用", "承重好", "衣柜整理"],
                    ),
                ],
            },
        ],
    },
    {
        "name": "母婴玩具",
        "slug": "baby",
        "children": [
            {
                "name": "婴童用品",
                "slug": "baby-care",
                "children": [
                    _leaf(
                        "纸尿裤",
                        "diapers",
                        attributes=[_a("类型", ["纸尿裤", "拉拉裤"], True), _a("表层材质", ["棉柔", "丝薄"])],
                        spec_axes=[
                            _ax("尺码", ["NB", "S", "M", "L", "XL", "XXL"]),
                            _ax("包装", ["单包装", "3包箱装"], 170),
                        ],
                        price=(5990, 29900),
                        weight=(500, 3000),
                        nouns=["纸尿裤", "拉拉裤", "尿不湿"],
                        adjectives=["超薄透气", "丝薄", "夜用", "新生儿", "柔软"],
                        selling_points=["干爽不闷", "婴儿尿不湿", "瞬吸防漏", "弹力腰围", "宝宝通用"],
                    ),
                    _leaf(
                        "婴儿湿巾",
                        "baby-wipes",
                        attributes=[
                            _a("类型", ["手口湿巾", "普通湿巾", "棉柔巾"], True),
                            _a("是否含酒精", ["不含酒精"], True),
                        ],
                        spec_axes=[_ax("规格", ["80抽×3包", "80抽×6包", "80抽×12包"], 90)],
                        price=(1990, 8900),
                        weight=(500, 3000),
                        nouns=["婴儿湿巾", "手口湿巾", "棉柔巾"],
                        adjectives=["加厚", "大包", "无香", "手口专用", "纯水"],
                        selling_points=["温和不刺激", "家庭装", "新生儿可用", "加大加厚", "带盖设计"],
                    ),
                    _leaf(
                        "奶瓶",
                        "baby-bottles",
                        attributes=[
                            _a("材质", ["PPSU", "玻璃", "硅胶"], True),
                            _a("适用年龄", ["0-3个月", "3-6个月", "6个月以上"]),
                        ],
                        spec_axes=[
                            _ax("容量", ["160ml", "240ml", "300ml"], 10),
                            _ax("颜色", ["透明", "浅黄", "浅绿"]),
                        ],
                        price=(5900, 25900),
                        weight=(100, 300),
                        nouns=["奶瓶", "宽口径奶瓶", "吸管奶瓶"],
                        adjectives=["PPSU", "防胀气", "宽口径", "新生儿", "玻璃"],
                        selling_points=["耐摔", "仿母乳奶嘴", "易清洗", "带手柄", "宝宝喝奶"],
                    ),
                ],
            },
            {
                "name": "玩具",
                "slug": "toys",
                "children": [
                    _leaf(
                        "积木拼插",
                        "building-blocks",
                        attributes=[
                            _a("适用年龄", ["3岁以上", "6岁以上", "8岁以上", "14岁以上"], True),
                            _a("材质", ["ABS塑料", "木质"]),
                            _a("颗粒数", ["200-500粒", "500-1000粒", "1000粒以上"]),
                        ],
                        spec_axes=[_ax("款式", ["城市消防站", "太空探索", "古风建筑", "恐龙乐园"])],
                        price=(4900, 49900),
                        weight=(300, 2500),
                        nouns=["积木", "拼装积木", "拼插玩具"],
                        adjectives=["益智拼装", "大颗粒", "小颗粒", "兼容拼插", "儿童"],
                        selling_points=["生日礼物", "动手动脑", "男孩女孩", "亲子互动", "收藏摆件"],
                    ),
                    _leaf(
                        "毛绒玩具",
                        "plush-toys",
                        attributes=[
                            _a("填充物", ["PP棉", "珍珠棉"], True),
                            _a("适用年龄", ["3岁以上", "通用"]),
                        ],
                        spec_axes=[
                            _ax("款式", ["小熊", "兔子", "柴犬", "恐龙"]),
                            _ax("尺寸", ["30cm", "45cm", "60cm"], 45),
                        ],
                        price=(3990, 19900),
                        weight=(200, 1200),
                        nouns=["毛绒玩具", "公仔", "玩偶", "抱枕"],
                        adjectives=["可爱", "软萌", "治愈系", "安抚", "大号"],
                        selling_points=["生日礼物", "陪睡玩偶", "可机洗", "女孩礼物", "柔软亲肤"],
                    ),
                    _leaf(
                        "益智玩具",
                        "puzzle-toys",
                        attributes=[
                            _a("类型", ["拼图", "磁力片", "数字积木", "早教机"], True),
                            _a("适用年龄", ["1-3岁", "3-6岁", "6岁以上"], True),
                            _a("材质", ["木质", "ABS塑料", "纸质"]),
                        ],
                        spec_axes=[_ax("规格", ["基础款", "进阶款"], 50)],
                        price=(2990, 29900),
                        weight=(200, 1500),
                        nouns=["磁力片", "拼图", "早教玩具", "数字积木"],
                        adjectives=["儿童益智", "木质", "蒙氏", "早教", "宝宝"],
                        selling_points=["专注力训练", "亲子互动", "启蒙认知", "生日礼物", "圆角设计"],
                    ),
                ],
            },
            {
                "name": "童装童鞋",
                "slug": "kids-wear",
                "children": [
                    _leaf(
                        "儿童套装",
                        "kids-sets",
                        attributes=[
                            _a("材质", ["纯棉", "棉混纺", "摇粒绒"], True),
                            _a("适用季节", ["春秋", "夏季", "冬季"], True),
                            _a("适用性别", ["男童", "女童", "中性"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["卡其色", "浅蓝", "粉色", "灰色"]),
                            _ax("尺码", ["90cm", "100cm", "110cm", "120cm", "130cm", "140cm"]),
                        ],
                        price=(6900, 29900),
                        weight=(200, 600),
                        nouns=["儿童套装", "童装", "卫衣套装", "运动套装"],
                        adjectives=["纯棉", "洋气", "休闲", "卡通", "中大童"],
                        selling_points=["男童女童", "宝宝两件套", "舒适透气", "亲子出游", "开学穿搭"],
                        prefixes=_SEASON_PREFIXES,
                    ),
                    _leaf(
                        "儿童运动鞋",
                        "kids-shoes",
                        attributes=[
                            _a("鞋面材质", ["网布", "超纤皮", "飞织"], True),
                            _a("功能", ["防滑", "透气", "魔术贴"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["白色", "黑色", "浅蓝", "粉色"]),
                            _ax("尺码", ["26", "27", "28", "29", "30", "31", "32", "33", "34", "35"]),
                        ],
                        price=(9900, 35900),
                        weight=(300, 700),
                        nouns=["儿童运动鞋", "童鞋", "小白鞋", "跑步鞋"],
                        adjectives=["软底", "透气网面", "魔术贴", "轻便", "防滑"],
                        selling_points=["男童女童", "中大童", "防滑耐磨", "上学穿", "不挤脚"],
                        prefixes=_SEASON_PREFIXES,
                    ),
                ],
            },
        ],
    },
    {
        "name": "运动户外",
        "slug": "sports",
        "children": [
            {
                "name": "运动鞋服",
                "slug": "sportswear",
                "children": [
                    _leaf(
                        "跑步鞋",
                        "running-shoes",
                        attributes=[
                            _a("适用场景", ["路跑", "训练", "越野"], True),
                            _a("鞋面材质", ["飞织网布", "针织", "合成革"]),
                            _a("缓震", ["中底缓震", "碳板"]),
                            _a("适用性别", _GENDER),
                        ],
                        spec_axes=[
                            _ax("颜色", ["黑白", "全黑", "浅灰", "荧光绿"]),
                            _ax("尺码", ["36", "37", "38", "39", "40", "41", "42", "43", "44"]),
                        ],
                        price=(19900, 99900),
                        weight=(500, 900),
                        nouns=["跑步鞋", "运动鞋", "慢跑鞋", "训练鞋"],
                        adjectives=["轻量缓震", "碳板竞速", "透气网面", "回弹", "防滑耐磨"],
                        selling_points=["男女款", "马拉松训练", "日常通勤", "减震回弹", "宽楦舒适"],
                        prefixes=_SEASON_PREFIXES,
                    ),
                    _leaf(
                        "运动T恤",
                        "sports-tshirts",
                        attributes=[
                            _a("面料", ["速干面料", "冰丝", "棉感涤纶"], True),
                            _a("袖长", ["短袖", "长袖"]),
                            _a("适用性别", _GENDER),
                        ],
                        spec_axes=[
                            _ax("颜色", ["黑色", "白色", "深蓝", "荧光黄"]),
                            _ax("尺码", ["S", "M", "L", "XL", "XXL"]),
                        ],
                        price=(4900, 19900),
                        weight=(120, 250),
                        nouns=["运动T恤", "速干衣", "健身服", "跑步上衣"],
                        adjectives=["速干", "冰丝", "宽松", "透气", "弹力"],
                        selling_points=["吸湿排汗", "健身跑步", "户外训练", "轻薄透气", "男女款"],
                        prefixes=_SEASON_PREFIXES,
                    ),
                ],
            },
            {
                "name": "户外装备",
                "slug": "outdoor-gear",
                "children": [
                    _leaf(
                        "帐篷",
                        "tents",
                        attributes=[
                            _a("适用人数", ["2人", "3-4人", "5-8人"], True),
                            _a("搭建方式", ["自动速开", "手动搭建"]),
                            _a("防水指数", ["PU2000mm", "PU3000mm"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["军绿色", "沙色", "浅灰"]),
                            _ax("规格", ["标准款", "含天幕套装"], 40),
                        ],
                        price=(19900, 199900),
                        weight=(2000, 12000),
                        nouns=["帐篷", "露营帐篷", "天幕帐篷"],
                        adjectives=["户外露营", "全自动", "加厚防雨", "便携折叠", "野营"],
                        selling_points=["速开免搭", "防晒防雨", "公园野餐", "家庭出游", "通风透气"],
                    ),
                    _leaf(
                        "冲锋衣",
                        "hardshell-jackets",
                        attributes=[
                            _a("面料", ["三合一", "单层", "软壳"], True),
                            _a("防水等级", ["防泼水", "5000mm", "10000mm"]),
                            _a("适用性别", _GENDER),
                        ],
                        spec_axes=[
                            _ax("颜色", ["黑色", "藏青色", "橙色", "墨绿色"]),
                            _ax("尺码", ["S", "M", "L", "XL", "XXL", "3XL"]),
                        ],
                        price=(29900, 159900),
                        weight=(500, 1500),
                        nouns=["冲锋衣", "户外外套", "三合一冲锋衣"],
                        adjectives=["防风防水", "三合一", "可拆卸内胆", "户外登山", "轻量"],
                        selling_points=["秋冬保暖", "男女款", "登山徒步", "透湿透气", "通勤出游"],
                        prefixes=["2026秋冬新款", "2026春秋新款", "秋冬款"],
                    ),
                    _leaf(
                        "登山包",
                        "hiking-backpacks",
                        attributes=[
                            _a("容量", ["30L", "40L", "50L", "60L"], True),
                            _a("背负系统", ["透气背板", "可调节背负"]),
                            _a("材质", ["尼龙", "牛津布"]),
                        ],
                        spec_axes=[_ax("颜色", ["黑色", "灰色", "橄榄绿", "橙色"])],
                        price=(12900, 79900),
                        weight=(700, 2000),
                        nouns=["登山包", "双肩包", "户外背包"],
                        adjectives=["大容量", "轻量", "防泼水", "户外徒步", "多功能"],
                        selling_points=["登山徒步", "旅行出游", "透气背负", "多隔层", "附防雨罩"],
                    ),
                ],
            },
            {
                "name": "健身器材",
                "slug": "fitness",
                "children": [
                    _leaf(
                        "瑜伽垫",
                        "yoga-mats",
                        attributes=[
                            _a("材质", ["TPE", "NBR", "天然橡胶", "PU"], True),
                            _a("尺寸", ["183×61cm", "185×80cm"]),
                        ],
                        spec_axes=[
                            _ax("颜色", ["浅紫", "雾蓝", "浅灰", "樱花粉"]),
                            _ax("厚度", ["6mm", "8mm", "10mm"], 15),
                        ],
                        price=(4900, 29900),
                        weight=(900, 2500),
                        nouns=["瑜伽垫", "健身垫", "运动地垫"],
                        adjectives=["加宽加厚", "防滑", "TPE", "天然橡胶", "静音"],
                        selling_points=["家用健身", "双面防滑", "减震隔音", "送绑带", "男女通用"],
                    ),
                    _leaf(
                        "哑铃",
                        "dumbbells",
                        attributes=[
                            _a("材质", ["包胶", "电镀", "铸铁"], True),
                            _a("类型", ["固定哑铃", "可调节哑铃"]),
                        ],
                        spec_axes=[_ax("重量", ["5kg", "10kg", "15kg", "20kg"], 60)],
                        price=(5900, 59900),
                        weight=(5000, 40000),
                        nouns=["哑铃", "可调节哑铃", "健身哑铃"],
                        adjectives=["包胶", "家用", "六角", "可调节", "防滑手柄"],
                        selling_points=["男士健身", "练臂肌", "家用器材", "一对装", "不伤地板"],
                    ),
                ],
            },
        ],
    },
]

# Per top-level extras for composing copy.
_TOP_PREFIXES = {
    "digital": ["2026新品", "新品上市", "官方正品"],
    "appliances": ["2026新品", "家用", "官方正品"],
    "food": ["产地直发", "新品", "整箱"],
    "beauty": ["官方正品", "2026新品"],
    "home": ["新品", "家用"],
    "baby": ["新品", "官方正品"],
    "sports": ["2026新品", "户外"],
    "apparel": _SEASON_PREFIXES,
}
_TOP_TAGS = {
    "apparel": ["新品", "七天无理由", "运费险", "当季热卖"],
    "digital": ["以旧换新", "分期免息", "官方质保", "顺丰发货"],
    "appliances": ["以旧换新", "一年质保", "送货上门", "分期免息"],
    "food": ["产地直发", "冷链配送", "坏果包赔", "整箱囤货"],
    "beauty": ["正品保障", "小样试用", "敏感肌可用", "礼盒装"],
    "home": ["家居好物", "七天无理由", "运费险", "送货上门"],
    "baby": ["母婴好物", "正品保障", "安心选", "七天无理由"],
    "sports": ["运动装备", "七天无理由", "运费险", "户外出行"],
}
WHOLESALE_MOQ = (10, 12, 20, 24, 30, 50, 60, 100)  # 起批量: the case and carton sizes wholesalers use
_COMMON_TAGS = ["包邮", "热卖", "限时折扣", "品质好物", "24小时发货"]
_SERVICE_PROMISES = ["7天无理由退换", "运费险", "48小时内发货", "正品保障", "顺丰包邮", "售后无忧"]
_TOP_NOTES = {
    "apparel": "尺码仅供参考，不同批次可能存在1–2cm误差，建议参照尺码表选购；首次洗涤请冷水手洗。",
    "digital": "支持官方质保，收货后请当面验机；激活后不影响正常售后，保修以官方规则为准。",
    "appliances": "请使用符合规定的电源插座；大件商品送货上门，安装服务以当地网点为准。",
    "food": "收货后请及时查看，生鲜商品请按储存条件保存，开封后尽快食用。",
    "beauty": "使用前建议在耳后或手腕内侧试用，如有不适请停止使用；化妆品开封后请在保质期内使用。",
    "home": "商品尺寸为手工测量，可能存在少许误差；图片颜色因显示器不同可能略有差异。",
    "baby": "请在成人看护下使用，小零件请远离3岁以下儿童；母婴用品拆封后不支持无理由退货。",
    "sports": "运动前请充分热身；户外装备请按说明正确使用，注意天气变化与自身安全。",
}


def iter_categories() -> Iterator[tuple[dict, int, dict | None]]:
    """Yield ``(node, level, parent_node)`` for every category, depth first, level 1..3."""

    def walk(nodes, level, parent):
        for node in nodes:
            yield node, level, parent
            yield from walk(node.get("children", []), level + 1, node)

    yield from walk(CATEGORY_TREE, 1, None)


def _build_leaf_index() -> dict[str, dict]:
    index = {}
    for top in CATEGORY_TREE:
        for mid in top["children"]:
            for leaf in mid["children"]:
                index[leaf["slug"]] = {
                    **leaf,
                    "top_slug": top["slug"],
                    "parent_slug": mid["slug"],
                    "path": [top["name"], mid["name"], leaf["name"]],
                }
    return index


_LEAF_INDEX = _build_leaf_index()


def leaf_categories(top_slugs: list[str] | None = None) -> list[dict]:
    """Leaf dicts (shallow copies) enriched with ``top_slug``, ``parent_slug`` and ``path`` (names), in tree
    order, optionally limited to the given top-level slugs."""
    wanted = set(top_slugs) if top_slugs is not None else None
    return [dict(leaf) for leaf in _LEAF_INDEX.values() if wanted is None or leaf["top_slug"] in wanted]


# ---------------------------------------------------------------------------------------------------------
# Brands (all invented).
# ---------------------------------------------------------------------------------------------------------


def _b(name: str, name_en: str, *categories: str) -> dict:
    return {"name": name, "name_en": name_en, "categories": list(categories)}


BRANDS: list[dict] = [
    # 服饰内衣
    _b("青禾", "Qinghe", "apparel"),
    _b("素岚", "Sulan", "apparel"),
    _b("织屿", "Zhiyu", "apparel"),
    _b("棉知", "Mianzhi", "apparel", "baby"),
    _b("墨衫", "Moshan", "apparel"),
    _b("南枝里", "Nanzhili", "apparel"),
    # 手机数码
    _b("澜芯", "Lanxin", "digital"),
    _b("曜岩", "Yaoyan", "digital"),
    _b("声屿", "Shengyu", "digital"),
    _b("启元智造", "Qiyuan", "digital"),
    _b("锐拓", "Ruituo", "digital"),
    _b("弦月", "Xianyue", "digital"),
    # 家用电器
    _b("云厨", "Yunchu", "appliances"),
    _b("暖屿", "Nuanyu", "appliances"),
    _b("泉沐", "Quanmu", "appliances"),
    _b("凯森", "Kaisen", "appliances"),
    _b("沐风", "Mufeng", "appliances"),
    _b("轻氧", "Qingyang", "appliances", "beauty"),
    # 食品生鲜
    _b("山禾田", "Shanhetian", "food"),
    _b("鲜满园", "Xianmanyuan", "food"),
    _b("渔港记", "Yugangji", "food"),
    _b("谷语", "Guyu", "food"),
    _b("茶山里", "Chashanli", "food"),
    _b("果屿", "Guoyu", "food"),
    # 美妆个护
    _b("兰芷", "Lanzhi", "beauty"),
    _b("初颜", "Chuyan", "beauty"),
    _b("水漾集", "Shuiyangji", "beauty"),
    _b("素肌", "Suji", "beauty"),
    _b("植觅", "Zhimi", "beauty"),
    # 家居家装
    _b("木森", "Musen", "home"),
    _b("栖居", "Qiju", "home"),
    _b("简屋", "Jianwu", "home"),
    _b("眠云", "Mianyun", "home"),
    _b("瓷趣", "Ciqu", "home"),
    # 母婴玩具
    _b("贝芽", "Beiya", "baby"),
    _b("童趣岛", "Tongqudao", "baby"),
    _b("小积星", "Xiaojixing", "baby"),
    _b("暖贝", "Nuanbei", "baby"),
    # 运动户外
    _b("行野", "Xingye", "sports"),
    _b("跃动力", "Yuedongli", "sports"),
    _b("峰屿", "Fengyu", "sports"),
    _b("驰途", "Chitu", "sports"),
    _b("逐风", "Zhufeng", "sports", "apparel"),
    _b("悦跑", "Yuepao", "sports"),
]

# ---------------------------------------------------------------------------------------------------------
# Shops and pending merchant applications.
# ---------------------------------------------------------------------------------------------------------


def _shop(seed, region, name, slug, company, categories, brands, description, owner, staff=None, focus=None):
    data = {
        "name": name,
        "slug": slug,
        "company": company,
        "credit_code": credit_code_make(seed, region),
        "categories": categories,
        "brands": brands,
        "description": description,
        "owner": owner,
    }
    if staff is not None:
        data["staff"] = staff
    if focus:  # second-level category slugs the shop's products come from (a specialist shop)
        data["focus"] = focus
    return data


def _staff(phone, nickname, role):
    return {"phone": phone, "nickname": nickname, "role": role}


SHOPS: list[dict] = [
    _shop(
        101,
        "330106",
        "青禾服饰旗舰店",
        "qinghe-apparel",
        "杭州青禾服饰有限公司",
        ["apparel"],
        ["青禾", "素岚"],
        "青禾服饰官方旗舰店，专注舒适自然的日常穿搭，坚持天然面料与简约剪裁，每季上新。",
        {"phone": "13800000001", "nickname": "青禾店长", "name": "沈清禾"},
        [
            _staff("13800000011", "青禾运营小周", "operations"),
            _staff("13800000012", "青禾客服小暖", "service"),
            _staff("13800000013", "青禾仓库老陈", "warehouse"),
            _staff("13800000014", "青禾财务王姐", "finance"),
        ],
    ),
    _shop(
        102,
        "440305",
        "澜芯数码官方旗舰店",
        "lanxin-digital",
        "深圳澜芯科技有限公司",
        ["digital"],
        ["澜芯", "声屿"],
        "澜芯科技官方店，提供手机、耳机、智能穿戴及周边配件，支持官方质保与以旧换新。",
        {"phone": "13800000002", "nickname": "澜芯掌柜", "name": "林澜"},
        [
            _staff("13800000021", "澜芯运营阿杰", "operations"),
            _staff("13800000022", "澜芯客服小蓝", "service"),
            _staff("13800000023", "澜芯仓管阿强", "warehouse"),
        ],
    ),
    _shop(
        103,
        "440606",
        "云厨电器旗舰店",
        "yunchu-appliances",
        "佛山市顺德区云厨电器有限公司",
        ["appliances"],
        ["云厨", "沐风"],
        "顺德源头工厂直营，厨房小电与生活电器一站购齐，全国联保，大件送货上门。",
        {"phone": "13800000003", "nickname": "云厨老板", "name": "梁永健"},
        [
            _staff("13800000031", "云厨运营阿敏", "operations"),
            _staff("13800000032", "云厨客服小云", "service"),
            _staff("13800000033", "云厨财务何姐", "finance"),
        ],
    ),
    _shop(
        104,
        "510107",
        "山禾田生鲜旗舰店",
        "shanhetian-food",
        "成都山禾田农业科技有限公司",
        ["food"],
        ["山禾田", "果屿", "茶山里"],
        "产地直采，冷链直发。精选四川及全国各地当季水果、粮油与休闲零食，坏果包赔。",
        {"phone": "13800000004", "nickname": "山禾田掌柜", "name": "田禾"},
        [
            _staff("13800000041", "山禾田运营小李", "operations"),
            _staff("13800000042", "山禾田客服小果", "service"),
            _staff("13800000043", "山禾田仓库老杨", "warehouse"),
        ],
    ),
    _shop(
        105,
        "310115",
        "兰芷美妆旗舰店",
        "lanzhi-beauty",
        "上海兰芷化妆品有限公司",
        ["beauty"],
        ["兰芷", "植觅"],
        "兰芷官方旗舰店，温和有效的植物护肤与彩妆，所有产品均已完成备案，支持正品验证。",
        {"phone": "13800000005", "nickname": "兰芷主理人", "name": "苏兰芷"},
        [
            _staff("13800000051", "兰芷运营Coco", "operations"),
            _staff("13800000052", "兰芷美容顾问小芷", "service"),
            _staff("13800000053", "兰芷财务Amy", "finance"),
        ],
    ),
    _shop(
        106,
        "320508",
        "栖居家居旗舰店",
        "qiju-home",
        "苏州栖居家居用品有限公司",
        ["home"],
        ["栖居", "眠云"],
        "让家更好住。床品家纺、厨具餐具、收纳整理好物，简约设计，品质生活。",
        {"phone": "13800000006", "nickname": "栖居店主", "name": "顾栖"},
        [
            _staff("13800000061", "栖居运营小顾", "operations"),
            _staff("13800000062", "栖居客服小居", "service"),
            _staff("13800000063", "栖居仓库阿福", "warehouse"),
        ],
    ),
    _shop(
        107,
        "420111",
        "贝芽母婴旗舰店",
        "beiya-baby",
        "武汉贝芽母婴用品有限公司",
        ["baby"],
        ["贝芽", "童趣岛"],
        "贝芽母婴官方店，婴童洗护、喂养用品与益智玩具，材质安全，宝妈放心选。",
        {"phone": "13800000007", "nickname": "贝芽妈妈", "name": "贝晓芽"},
        [
            _staff("13800000071", "贝芽运营小米粒", "operations"),
            _staff("13800000072", "贝芽客服豆豆", "service"),
        ],
    ),
    _shop(
        108,
        "350203",
        "行野户外旗舰店",
        "xingye-outdoor",
        "厦门行野户外用品有限公司",
        ["sports"],
        ["行野", "悦跑"],
        "行野户外，为山野而生。冲锋衣、帐篷、登山包与跑步装备，陪你走更远的路。",
        {"phone": "13800000008", "nickname": "行野队长", "name": "陈野"},
        [
            _staff("13800000081", "行野运营阿山", "operations"),
            _staff("13800000082", "行野客服小野", "service"),
            _staff("13800000083", "行野仓库老郑", "warehouse"),
            _staff("13800000084", "行野财务林姐", "finance"),
        ],
    ),
    # Specialists: with the flagship stores above, four shops in each of 服饰、数码、食品、美妆 (so the
    # 数据中心's 同行平均 and 竞争情报 have peers to compare with).
    _shop(
        111,
        "330108",
        "南枝里女装旗舰店",
        "nanzhili-womens",
        "杭州南枝里服饰有限公司",
        ["apparel"],
        ["南枝里"],
        "南枝里原创女装，温柔通勤与度假风连衣裙、针织衫，小批量快反，每周上新。",
        {"phone": "13810000001", "nickname": "南枝里主理人", "name": "江南枝"},
        [
            _staff("13810000101", "南枝里运营", "operations"),
            _staff("13810000201", "南枝里客服", "service"),
        ],
        focus=["womens"],
    ),
    _shop(
        112,
        "440106",
        "墨衫男装旗舰店",
        "moshan-menswear",
        "广州墨衫服饰有限公司",
        ["apparel"],
        ["墨衫", "逐风"],
        "墨衫男装，衬衫、夹克与休闲裤的基础款，面料扎实，版型利落。",
        {"phone": "13810000002", "nickname": "墨衫老板", "name": "莫山"},
        [
            _staff("13810000102", "墨衫运营", "operations"),
            _staff("13810000202", "墨衫客服", "service"),
        ],
        focus=["mens"],
    ),
    _shop(
        113,
        "320106",
        "棉知家居服旗舰店",
        "mianzhi-homewear",
        "南京棉知纺织品有限公司",
        ["apparel"],
        ["棉知"],
        "棉知家居服与袜品，精梳棉与莫代尔面料，舒适亲肤，全家可穿。",
        {"phone": "13810000003", "nickname": "棉知店长", "name": "孟知棉"},
        [
            _staff("13810000103", "棉知运营", "operations"),
            _staff("13810000203", "棉知客服", "service"),
        ],
        focus=["underwear-homewear", "womens"],
    ),
    _shop(
        114,
        "440304",
        "曜岩手机旗舰店",
        "yaoyan-mobile",
        "深圳曜岩通讯科技有限公司",
        ["digital"],
        ["曜岩"],
        "曜岩手机官方店，5G手机、快充与手机配件，官方质保，支持以旧换新。",
        {"phone": "13810000004", "nickname": "曜岩店长", "name": "严曜"},
        [
            _staff("13810000104", "曜岩运营", "operations"),
            _staff("13810000204", "曜岩客服", "service"),
        ],
        focus=["mobile"],
    ),
    _shop(
        115,
        "110105",
        "启元智造电脑旗舰店",
        "qiyuan-computers",
        "北京启元智造科技有限公司",
        ["digital"],
        ["启元智造"],
        "启元智造官方店，轻薄本、游戏本与键鼠外设，学生与办公人群优选。",
        {"phone": "13810000005", "nickname": "启元掌柜", "name": "袁启"},
        [
            _staff("13810000105", "启元运营", "operations"),
            _staff("13810000205", "启元客服", "service"),
        ],
        focus=["computers"],
    ),
    _shop(
        116,
        "310104",
        "锐拓数码专营店",
        "ruituo-digital",
        "上海锐拓数码科技有限公司",
        ["digital"],
        ["锐拓"],
        "锐拓数码，蓝牙耳机、智能手表与移动电源，出行运动好搭档。",
        {"phone": "13810000006", "nickname": "锐拓老板", "name": "唐锐"},
        [
            _staff("13810000106", "锐拓运营", "operations"),
            _staff("13810000206", "锐拓客服", "service"),
        ],
        focus=["audio-wearables", "mobile"],
    ),
    _shop(
        117,
        "350203",
        "鲜满园水果旗舰店",
        "xianmanyuan-fruit",
        "厦门鲜满园农业发展有限公司",
        ["food"],
        ["鲜满园", "果屿"],
        "鲜满园产地直采水果与海鲜，当季现摘，冷链到家，坏果包赔。",
        {"phone": "13810000007", "nickname": "鲜满园掌柜", "name": "袁满"},
        [
            _staff("13810000107", "鲜满园运营", "operations"),
            _staff("13810000207", "鲜满园客服", "service"),
        ],
        focus=["fresh"],
    ),
    _shop(
        118,
        "230103",
        "谷语粮油旗舰店",
        "guyu-grain",
        "哈尔滨谷语粮油有限公司",
        ["food"],
        ["谷语"],
        "谷语东北大米与粮油，黑土地直供，另有坚果零食，整箱囤货更划算。",
        {"phone": "13810000008", "nickname": "谷语店长", "name": "谷雨"},
        [
            _staff("13810000108", "谷语运营", "operations"),
            _staff("13810000208", "谷语客服", "service"),
        ],
        focus=["grain-oil", "snacks"],
    ),
    _shop(
        119,
        "330106",
        "茶山里茶叶旗舰店",
        "chashanli-tea",
        "杭州茶山里茶业有限公司",
        ["food"],
        ["茶山里"],
        "茶山里，西湖龙井、福建白茶与精品咖啡，一杯好茶慢慢喝。",
        {"phone": "13810000009", "nickname": "茶山里掌柜", "name": "钱茶山"},
        [
            _staff("13810000109", "茶山里运营", "operations"),
            _staff("13810000209", "茶山里客服", "service"),
        ],
        focus=["tea-coffee"],
    ),
    _shop(
        120,
        "310115",
        "初颜彩妆旗舰店",
        "chuyan-makeup",
        "上海初颜化妆品有限公司",
        ["beauty"],
        ["初颜"],
        "初颜彩妆官方店，口红、唇釉与粉底，所有产品均已完成备案。",
        {"phone": "13810000010", "nickname": "初颜主理人", "name": "颜初"},
        [
            _staff("13810000110", "初颜运营", "operations"),
            _staff("13810000210", "初颜客服", "service"),
        ],
        focus=["makeup"],
    ),
    _shop(
        121,
        "440305",
        "水漾集护肤旗舰店",
        "shuiyangji-skincare",
        "深圳水漾集生物科技有限公司",
        ["beauty"],
        ["水漾集"],
        "水漾集补水护肤，面霜、精华与面膜，温和配方，敏感肌可用。",
        {"phone": "13810000011", "nickname": "水漾集店长", "name": "柳漾"},
        [
            _staff("13810000111", "水漾集运营", "operations"),
            _staff("13810000211", "水漾集客服", "service"),
        ],
        focus=["skincare"],
    ),
    _shop(
        122,
        "420111",
        "素肌个护旗舰店",
        "suji-care",
        "武汉素肌日化有限公司",
        ["beauty"],
        ["素肌", "植觅"],
        "素肌个护，洗发沐浴与基础护肤，植物配方，全家适用。",
        {"phone": "13810000012", "nickname": "素肌店主", "name": "苏肌"},
        [
            _staff("13810000112", "素肌运营", "operations"),
            _staff("13810000212", "素肌客服", "service"),
        ],
        focus=["hair-body", "skincare"],
    ),
]

PENDING_APPLICATIONS: list[dict] = [
    _shop(
        201,
        "330108",
        "织屿女装专营店",
        "zhiyu-womens",
        "杭州织屿服饰有限公司",
        ["apparel"],
        ["织屿"],
        "原创设计女装，主打通勤与度假风连衣裙，自有工厂快反供应链。",
        {"phone": "13700000001", "nickname": "织屿主理人", "name": "许织"},
    ),
    _shop(
        202,
        "440304",
        "弦月数码专营店",
        "xianyue-digital",
        "深圳弦月电子有限公司",
        ["digital"],
        ["弦月", "锐拓"],
        "手机周边与电脑外设专营，充电器、键鼠与耳机配件。",
        {"phone": "13700000002", "nickname": "弦月老板", "name": "周弦"},
    ),
    _shop(
        203,
        "370212",
        "渔港记海鲜旗舰店",
        "yugangji-seafood",
        "青岛渔港记水产有限公司",
        ["food"],
        ["渔港记"],
        "青岛本地海鲜，船头直采，急冻锁鲜，冷链到家。",
        {"phone": "13700000003", "nickname": "渔港记掌柜", "name": "于海港"},
    ),
]


def brands_for_shop(shop: dict) -> list[dict]:
    """The brands a shop sells: the ones it names, else every brand in its top-level categories."""
    names = set(shop.get("brands") or [])
    if names:
        return [b for b in BRANDS if b["name"] in names]
    cats = set(shop.get("categories") or [])
    return [b for b in BRANDS if cats & set(b["categories"])]


# ---------------------------------------------------------------------------------------------------------
# Buyers.
# ---------------------------------------------------------------------------------------------------------

# Real county-level districts (GB/T 2260): code, province, city, district, a few real road names.
DISTRICTS: list[dict] = [
    {"code": code, "province": prov, "city": city, "district": dist, "streets": streets}
    for code, prov, city, dist, streets in [
        (
            "110105",
            "北京市",
            "北京市",
            "朝阳区",
            ["望京街道阜通东大街", "建外街道建国路", "三里屯街道工人体育场北路"],
        ),
        ("110108", "北京市", "北京市", "海淀区", ["中关村大街", "学院路", "知春路"]),
        ("120101", "天津市", "天津市", "和平区", ["南京路", "滨江道", "营口道"]),
        ("130102", "河北省", "石家庄市", "长安区", ["中山东路", "建设北大街", "谈固大街"]),
        ("140105", "山西省", "太原市", "小店区", ["长治路", "平阳路", "体育路"]),
        ("210202", "辽宁省", "大连市", "中山区", ["人民路", "中山路", "港湾街"]),
        ("230103", "黑龙江省", "哈尔滨市", "南岗区", ["西大直街", "红军街", "学府路"]),
        ("310104", "上海市", "上海市", "徐汇区", ["漕溪北路", "虹桥路", "田林路"]),
        ("310115", "上海市", "上海市", "浦东新区", ["世纪大道", "张杨路", "碧波路"]),
        ("320106", "江苏省", "南京市", "鼓楼区", ["中山北路", "广州路", "北京西路"]),
        ("320508", "江苏省", "苏州市", "姑苏区", ["人民路", "干将西路", "十全街"]),
        ("330106", "浙江省", "杭州市", "西湖区", ["文三路", "天目山路", "古墩路"]),
        ("330108", "浙江省", "杭州市", "滨江区", ["江南大道", "网商路", "长河路"]),
        ("340104", "安徽省", "合肥市", "蜀山区", ["长江西路", "黄山路", "潜山路"]),
        ("350203", "福建省", "厦门市", "思明区", ["湖滨南路", "莲前西路", "鹭江道"]),
        ("360111", "江西省", "南昌市", "青山湖区", ["北京东路", "上海路", "青山南路"]),
        ("370102", "山东省", "济南市", "历下区", ["泉城路", "经十路", "解放路"]),
        ("370212", "山东省", "青岛市", "崂山区", ["香港东路", "松岭路", "深圳路"]),
        ("410105", "河南省", "郑州市", "金水区", ["花园路", "经三路", "农业路"]),
        ("420106", "湖北省", "武汉市", "武昌区", ["中北路", "中南路", "友谊大道"]),
        ("420111", "湖北省", "武汉市", "洪山区", ["珞喻路", "雄楚大道", "光谷大道"]),
        ("430104", "湖南省", "长沙市", "岳麓区", ["麓山南路", "桐梓坡路", "枫林三路"]),
        ("440106", "广东省", "广州市", "天河区", ["天河路", "体育西路", "珠江东路"]),
        ("440304", "广东省", "深圳市", "福田区", ["福华三路", "益田路", "红荔路"]),
        ("440305", "广东省", "深圳市", "南山区", ["科技南十二路", "深南大道", "南海大道"]),
        ("450103", "广西壮族自治区", "南宁市", "青秀区", ["民族大道", "金湖路", "东葛路"]),
        ("500103", "重庆市", "重庆市", "渝中区", ["民族路", "中山三路", "大坪正街"]),
        ("500106", "重庆市", "重庆市", "沙坪坝区", ["小龙坎正街", "汉渝路", "天星桥正街"]),
        ("510104", "四川省", "成都市", "锦江区", ["春熙路", "东大街", "红星路三段"]),
        ("510107", "四川省", "成都市", "武侯区", ["人民南路四段", "科华北路", "武侯祠大街"]),
        ("520102", "贵州省", "贵阳市", "南明区", ["中华南路", "遵义路", "花果园大街"]),
        ("530102", "云南省", "昆明市", "五华区", ["人民中路", "东风西路", "学府路"]),
        ("610113", "陕西省", "西安市", "雁塔区", ["小寨西路", "高新路", "长安南路"]),
        ("620102", "甘肃省", "兰州市", "城关区", ["东岗西路", "庆阳路", "天水南路"]),
    ]
]

BUYER_PHONE_PREFIX = "139"

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"
_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "子涵",
    "欣怡",
    "梓轩",
    "浩然",
    "雨桐",
    "宇航",
    "思远",
    "晓东",
    "婷婷",
    "佳琪",
    "俊杰",
    "文博",
    "雅婷",
    "一鸣",
    "嘉怡",
    "志强",
    "海燕",
    "建华",
    "晨曦",
    "若曦",
    "天宇",
    "梦琪",
]
_NICK_ADJ = [
    "爱吃橘子的",
    "快乐的",
    "安静的",
    "会飞的",
    "早睡早起的",
    "不想上班的",
    "热爱生活的",
    "努力搬砖的",
    "晒太阳的",
    "喝奶茶的",
    "追风的",
    "慢慢走的",
    "爱旅行的",
    "周末宅家的",
    "认真买菜的",
    "温柔的",
]
_NICK_NOUN = [
    "小猫",
    "兔子",
    "柠檬",
    "仙人掌",
    "熊猫",
    "鲸鱼",
    "星星",
    "月亮",
    "蘑菇",
    "小鹿",
    "向日葵",
    "橘子",
    "企鹅",
    "松鼠",
    "海豚",
    "云朵",
    "考拉",
    "小狐狸",
]
_MOBILE_PREFIXES = ["135", "136", "137", "150", "151", "152", "158", "186", "187", "188", "189", "177"]


def _person_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _address_detail(rng: random.Random, district: dict) -> str:
    street = rng.choice(district["streets"])
    kind = rng.random()
    if kind < 0.5:
        return (
            f"{street}{rng.randint(1, 399)}号{rng.choice(['院', '小区', '花园'])}"
            f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元{rng.randint(2, 28)}{rng.randint(1, 4):02d}"
        )
    if kind < 0.8:
        return f"{street}{rng.randint(1, 999)}号{rng.randint(1, 20)}栋{rng.randint(1, 32)}{rng.randint(1, 8):02d}室"
    return f"{street}{rng.randint(1, 500)}号{rng.choice(['写字楼', '大厦', '科技园'])}{rng.choice('ABCD')}座{rng.randint(3, 30)}层"


def buyers(n: int, seed: int) -> list[dict]:
    """``n`` deterministic buyer accounts with unique ``139…`` phones and nicknames and 1–3 addresses each
    (the first one ``is_default``)."""
    rng = random.Random(f"buyers:{seed}")
    phones: set[str] = set()
    nick_pool = [a + b for a, b in itertools.product(_NICK_ADJ, _NICK_NOUN)]
    rng.shuffle(nick_pool)
    result = []
    for i in range(n):
        while True:
            phone = BUYER_PHONE_PREFIX + f"{rng.randrange(10**8):08d}"
            if phone not in phones:
                phones.add(phone)
                break
        nickname = nick_pool[i % len(nick_pool)]
        if i >= len(nick_pool):
            nickname += str(i // len(nick_pool) + 1)
        owner_name = _person_name(rng)
        addresses = []
        for j in range(rng.choice([1, 1, 2, 2, 3])):
            district = rng.choice(DISTRICTS)
            if j == 0 or rng.random() < 0.5:
                receiver, receiver_phone = owner_name, phone
            else:
                receiver = _person_name(rng)
                receiver_phone = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            addresses.append(
                {
                    "receiver": receiver,
                    "phone": receiver_phone,
                    "district_code": district["code"],
                    "detail": _address_detail(rng, district),
                    "is_default": j == 0,
                }
            )
        result.append({"phone": phone, "nickname": nickname, "addresses": addresses})
    return result


# ---------------------------------------------------------------------------------------------------------
# Products.
# ---------------------------------------------------------------------------------------------------------


def nice_price_fen(fen: float) -> int:
    """Round to a marketplace-style price: ¥59.90 → 5990, ¥129 → 12900, ¥1299 → 129900."""
    yuan = max(fen, 100) / 100
    if yuan < 100:
        return int(yuan) * 100 + 90
    if yuan < 1000:
        return (int(yuan) // 10 * 10 + 9) * 100
    return (int(yuan) // 100 * 100 + 99) * 100


def _pick_values(rng: random.Random, axis: dict, limit: int) -> list[int]:
    """Indices (ascending) of the axis values a product offers, at most ``limit``."""
    values = axis["values"]
    k = rng.randint(1, max(1, min(len(values), limit)))
    if axis.get("price_step_pct"):  # priced tiers: a contiguous run reads naturally (256G, 512G)
        start = rng.randint(0, len(values) - k)
        return list(range(start, start + k))
    return sorted(rng.sample(range(len(values)), k))


def _attribute_values(rng: random.Random, leaf: dict) -> dict:
    attrs = {}
    for attr in leaf.get("attributes", []):
        if not attr["required"] and rng.random() < 0.25:
            continue
        options = attr["options"] or attr.get("examples") or _ORIGINS_GENERAL
        attrs[attr["name"]] = rng.choice(options)
    return attrs


def _compose_title(rng: random.Random, leaf: dict, top_slug: str, brand: str | None) -> tuple[str, list[str]]:
    parts = leaf["title_parts"]
    prefixes = parts.get("prefixes") or _TOP_PREFIXES.get(top_slug) or [""]
    points = rng.sample(
        parts["selling_points"], min(len(parts["selling_points"]), rng.choice([2, 2, 3, 3, 4]))
    )
    head = []
    if brand:
        head.append(brand)
    if rng.random() < 0.75:
        head.append(rng.choice(prefixes))
    model = rng.choice(parts["models"]) if parts.get("models") and rng.random() < 0.8 else ""
    core = ""
    for _ in range(8):  # avoid stutter such as 速干 + 速干衣
        adjective, noun = rng.choice(parts["adjectives"]), rng.choice(parts["nouns"])
        core = adjective + noun
        if not any(adjective[k : k + 2] in noun for k in range(len(adjective) - 1)):
            break
    words = [*head, *([model] if model else []), core]
    title = " ".join(w for w in [*words, *points] if w)
    while len(title) > 60 and points:
        points.pop()
        title = " ".join(w for w in [*words, *points] if w)
    return title[:60].strip(), points


def _detail_html(
    leaf: dict, top_slug: str, brand: str | None, title_points: list[str], attrs: dict, rng: random.Random
) -> str:
    esc = html.escape
    parts = leaf["title_parts"]
    highlights = list(dict.fromkeys(title_points + rng.sample(parts["selling_points"], 2)))[:4]
    noun = rng.choice(parts["nouns"])
    intro = (
        f"{brand or '本店'}{noun}，{'、'.join(highlights[:2])}。"
        f"每件商品出库前均经过质检，{rng.choice(_SERVICE_PROMISES)}，购物更安心。"
    )
    spec_rows = [f"<li>品牌：{esc(brand)}</li>"] if brand else []
    spec_rows += [f"<li>{esc(k)}：{esc(str(v))}</li>" for k, v in attrs.items()]
    spec_rows.append(f"<li>类目：{esc(' > '.join(leaf.get('path') or [leaf['name']]))}</li>")
    return "".join(
        [
            "<h3>商品亮点</h3>",
            "<ul>",
            *(f"<li>{esc(h)}</li>" for h in highlights),
            "</ul>",
            f"<p>{esc(intro)}</p>",
            "<h3>规格参数</h3>",
            "<ul>",
            *spec_rows,
            "</ul>",
            "<h3>购买须知</h3>",
            f"<p>{esc(_TOP_NOTES.get(top_slug, '如有疑问请联系在线客服。'))}</p>",
        ]
    )


def _resolve_leaf(leaf: dict) -> dict:
    """Merge a caller's leaf dict with the tree's data for the same slug (tree data wins for content keys)."""
    known = _LEAF_INDEX.get(leaf.get("slug", ""))
    return {**leaf, **known} if known else dict(leaf)


def products_for_shop(
    shop_slug: str, leaf_categories: list[dict], brands: list[dict], count: int, seed: int
) -> list[dict]:
    """``count`` deterministic products for one shop, spread over ``leaf_categories``.

    ``brands`` are brand dicts (``name`` + ``categories``); a product picks one whose categories include its
    leaf's top-level slug (or none). Titles are distinct within the returned list; barcodes are unique
    within it and, through a shop-derived company prefix, very unlikely to collide across shops.
    """
    if count <= 0:
        return []
    leaves = [_resolve_leaf(leaf) for leaf in leaf_categories]
    leaves = [leaf for leaf in leaves if leaf.get("spec_axes") is not None and leaf.get("title_parts")]
    if not leaves:
        raise ValueError("products_for_shop needs at least one leaf category with spec_axes and title_parts")
    rng = random.Random(f"products:{shop_slug}:{seed}")
    company = f"{zlib.crc32(shop_slug.encode('utf-8')) % 100000:05d}"
    item_ref = rng.randrange(0, 20000)
    in_company = 0
    used_barcodes: set[str] = set()
    titles: set[str] = set()
    order = list(range(len(leaves)))
    rng.shuffle(order)
    products = []
    wholesale_count = 0

    def next_barcode() -> str:
        nonlocal item_ref, company, in_company
        # a company prefix holds 100,000 item numbers: a huge shop moves on to the next prefix
        if in_company >= 90_000:
            company, in_company = f"{(int(company) + 1) % 100000:05d}", 0
        in_company += 1
        while True:
            item_ref = (item_ref + rng.randint(1, 3)) % 100000
            first12 = "69" + company + f"{item_ref:05d}"
            code = first12 + ean13_check_digit(first12)
            if code not in used_barcodes:
                used_barcodes.add(code)
                return code

    for i in range(count):
        leaf = leaves[order[i % len(leaves)]]
        top_slug = leaf.get("top_slug") or ""
        fitting = [b for b in brands if not top_slug or top_slug in (b.get("categories") or [top_slug])]
        brand = rng.choice(fitting)["name"] if fitting and rng.random() < 0.85 else None

        title, points = "", []
        for attempt in range(60):
            title, points = _compose_title(rng, leaf, top_slug, brand)
            if attempt >= 40:  # crowded: add a style number, dropping selling points to stay within 60 chars
                code = f"{rng.choice('ABCDEFGHJK')}{rng.randint(100, 999)}款"
                while len(f"{title} {code}") > 60 and " " in title:
                    title = title.rsplit(" ", 1)[0]
                title = f"{title} {code}"[:60]
            if title not in titles:
                break
        else:
            title = f"{title[:52]} #{i + 1}"
        titles.add(title)

        subtitle_points = rng.sample(
            leaf["title_parts"]["selling_points"], min(2, len(leaf["title_parts"]["selling_points"]))
        )
        subtitle = "，".join(subtitle_points + [rng.choice(_SERVICE_PROMISES)])
        attrs = _attribute_values(rng, leaf)

        # SKU matrix: a subset of each axis' values, at most 12 combinations.
        axes = leaf["spec_axes"]
        chosen: list[list[int]] = []
        budget = 12
        for axis in axes:
            idx = _pick_values(rng, axis, min(6, budget))
            chosen.append(idx)
            budget = max(1, budget // len(idx))
        multipliers = []
        for axis, idx in zip(axes, chosen, strict=True):
            step = axis.get("price_step_pct", 0) / 100
            multipliers.append(1 + step * (idx[-1] - idx[0]))
        top_mult = 1.0
        for m in multipliers:
            top_mult *= m
        low, high = leaf["price_range_fen"]
        base_high = max(low, int(high / top_mult))
        base = low + (base_high - low) * rng.random() ** 1.6
        w_low, w_high = leaf["weight_g_range"]

        skus = []
        for combo in itertools.product(*chosen):
            factor, tier_pos, tiers = 1.0, 0.0, 0
            for axis, idx, value_index in zip(axes, chosen, combo, strict=True):
                step = axis.get("price_step_pct", 0) / 100
                if step:
                    factor *= 1 + step * (value_index - idx[0])
                    tier_pos += value_index / max(1, len(axis["values"]) - 1)
                    tiers += 1
            price = nice_price_fen(base * factor)
            original = None
            if rng.random() < 0.6:
                original = nice_price_fen(price * rng.uniform(1.15, 1.8))
                if original <= price:
                    original = nice_price_fen(price + max(1000, price // 5))
            cost = max(10, int(price * rng.uniform(0.35, 0.7)) // 10 * 10)
            stock = 0 if rng.random() < 0.05 else rng.randint(5, 500)
            frac = tier_pos / tiers if tiers else rng.random()
            weight = int(w_low + (w_high - w_low) * min(1.0, 0.8 * frac + 0.2 * rng.random()))
            skus.append(
                {
                    "spec_values": [axis["values"][v] for axis, v in zip(axes, combo, strict=True)],
                    "price_fen": price,
                    "original_price_fen": original,
                    "cost_fen": cost,
                    "stock": stock,
                    "barcode": next_barcode(),
                    "weight_g": weight,
                }
            )

        # about one in ten is sold wholesale, at most one in eight (a small shop keeps enough retail items)
        is_wholesale = rng.random() < 0.1 and wholesale_count < max(1, count // 8)
        wholesale_count += is_wholesale
        tags = rng.sample(_TOP_TAGS.get(top_slug, []) + _COMMON_TAGS, rng.randint(1, 3))
        if is_wholesale:
            tags = ["批发", *tags]
        products.append(
            {
                "title": title,
                "subtitle": subtitle,
                "category_slug": leaf["slug"],
                "brand": brand,
                "tags": tags,
                "attributes": attrs,
                "detail_html": _detail_html(leaf, top_slug, brand, points, attrs, rng),
                "is_wholesale": is_wholesale,
                "min_order_qty": rng.choice(WHOLESALE_MOQ) if is_wholesale else 1,
                "specs": [axis["name"] for axis in axes],
                "spec_axes": [
                    {"name": axis["name"], "values": [axis["values"][v] for v in idx]}
                    for axis, idx in zip(axes, chosen, strict=True)
                ],
                "skus": skus,
            }
        )
    return products
