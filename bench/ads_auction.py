#!/usr/bin/env python
"""The keyword auction at scale: 100,000 ad groups, 1,000,000 keywords, one search query at a time.

    .venv/bin/python bench/ads_auction.py                          # the issue-14 size
    .venv/bin/python bench/ads_auction.py --groups 10000 --queries 2000   # a quick look

No database: the engine is pure (wanshang/ads/engine). Builds a synthetic marketplace from a Chinese product
vocabulary (category words weighted like a long tail, colours, seasons, materials, styles, features, audiences
and brands; every word cut by the search box's own jieba tokenizer once): ad groups of one product each, 10
keywords a group (head word alone, with one to three modifiers or a brand; 50 % broad, 30 % phrase, 20 %
exact; bids log-normal around ¥1.20), 10 groups a plan, two phrase negatives a plan and some per group, a
live quality score per keyword, a synonym map. Then runs buyer-like queries (a head word with zero to three
modifiers in any order, typed with or without spaces) through `search.text.query_words` → `KeywordIndex.eligible`
→ `KeywordIndex.candidates` (the keyword's `Candidate`, made at build time with its live QS) →
`run_auction` (6 slots, reserve 10 fen, one ad per group).

Prints the build time (vocabulary, rows, index) and the resident memory the index adds, then per query p50 /
p99 / max of the wall time and of the thread's CPU time (`time.thread_time`: the machine is shared, the wall
clock waits for a core), for match + auction (`KeywordIndex.auction`), for the same through every eligible
candidate (`candidates` + `run_auction`, interleaved query by query, answers compared), and for the tokenizer;
the candidates per query, and the load average. One `RESULT {json}` line.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wanshang.ads.engine.auction import run_auction  # noqa: E402
from wanshang.ads.engine.index import KeywordIndex  # noqa: E402
from wanshang.ads.engine.types import KeywordAd, MatchType, Negative  # noqa: E402
from wanshang.search.text import query_words  # noqa: E402

HEADS = """连衣裙 半身裙 百褶裙 牛仔裤 阔腿裤 休闲裤 运动裤 打底裤 卫衣 羽绒服 冲锋衣 针织衫 衬衫 T恤 风衣 大衣 西装
马甲 毛衣 外套 夹克 睡衣 内衣 文胸 袜子 帽子 围巾 手套 运动鞋 跑步鞋 板鞋 帆布鞋 高跟鞋 凉鞋 拖鞋 靴子 马丁靴
双肩包 手提包 斜挎包 钱包 行李箱 面霜 精华液 爽肤水 洗面奶 防晒霜 口红 粉底液 眼霜 面膜 香水 洗发水 沐浴露 牙膏
手机 手机壳 手机套 钢化膜 充电器 数据线 充电宝 蓝牙耳机 耳机 耳麦 音箱 平板电脑 笔记本电脑 键盘 鼠标 显示器 路由器
智能手表 手环 相机 镜头 电视 冰箱 洗衣机 空调 电饭煲 空气炸锅 微波炉 电水壶 吸尘器 扫地机器人 吹风机 剃须刀
电动牙刷 加湿器 电风扇 台灯 床垫 枕头 被子 四件套 毛巾 收纳盒 保温杯 水杯 餐具 炒锅 菜刀 茶叶 咖啡 牛奶 坚果
零食 饼干 巧克力 大米 食用油 蜂蜜 奶粉 纸尿裤 玩具 积木 童装 童鞋 书包 文具 钢笔 笔记本 狗粮 猫粮 猫砂 宠物窝
瑜伽垫 哑铃 跳绳 自行车 帐篷 鱼竿 登山鞋 泳衣 墨镜 项链 手链 耳环 戒指 手表 发夹 假发 汽车坐垫 行车记录仪 雨伞""".split()
MODIFIERS = {
    "colour": "红色 黑色 白色 蓝色 粉色 灰色 绿色 黄色 紫色 卡其色 米白色 藏青色".split(),
    "season": "春季 夏季 秋季 冬季 春秋 秋冬 夏天 冬天".split(),
    "audience": "女 男 女士 男士 儿童 学生 中老年 孕妇 宝宝 情侣".split(),
    "material": "纯棉 真丝 雪纺 牛仔 羊毛 羊绒 皮革 不锈钢 陶瓷 实木 硅胶 亚麻".split(),
    "style": "韩版 宽松 修身 显瘦 复古 简约 ins 潮流 高端 大码 小众 百搭 碎花 条纹 格子 长款 短款 中长款".split(),
    "feature": "降噪 防水 无线 大容量 加绒 加厚 轻薄 快充 便携 静音 智能 迷你 家用 可折叠 透气 防滑".split(),
    "brand": "华为 小米 苹果 安踏 李宁 海尔 美的 格力 完美日记 花西子 三只松鼠 良品铺子 罗技 飞利浦 九阳".split(),
    "trust": "正版 官方 旗舰店 同款 爆款 专柜 2025".split(),
}
SYNONYMS = {
    "手机壳": ("手机套",), "手机套": ("手机壳",), "耳机": ("耳麦",), "耳麦": ("耳机",), "夏季": ("夏天",),
    "夏天": ("夏季",), "冬季": ("冬天",), "冬天": ("冬季",), "女士": ("女",), "男士": ("男",), "苹果": ("iphone",),
    "跑步鞋": ("运动鞋",), "大码": ("加大",), "充电宝": ("移动电源",),
}  # fmt: skip
SLOTS, RESERVE_FEN = 6, 10


@functools.cache
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(query_words(word))


def tokens_of(words: list[str]) -> tuple[str, ...]:
    """query_words(" ".join(words)) (jieba cuts each space-separated block alone), one cut per word."""
    return tuple(dict.fromkeys(t for w in words for t in _word_tokens(w)))


class World:
    """The synthetic marketplace: vocabulary, keyword rows, negatives, live QS per keyword id."""

    def __init__(self, groups: int, per_group: int, seed: int):
        rng = random.Random(seed)
        self.rng = rng
        # long tail: head k's share ∝ 1 / (k + 5)
        self.head_weights = [1 / (k + 5) for k in range(len(HEADS))]
        self.kinds = list(MODIFIERS)
        self.ads: list[KeywordAd] = []
        self.quality: list[float] = []
        self.negatives: list[Negative] = []
        self.groups = groups
        self._make(groups, per_group)

    def modifiers(self, n: int) -> list[str]:
        kinds = self.rng.sample(self.kinds, n)
        return [self.rng.choice(MODIFIERS[k]) for k in kinds]

    def _make(self, groups: int, per_group: int) -> None:
        rng = self.rng
        heads = rng.choices(HEADS, weights=self.head_weights, k=groups)
        kid = 0
        for g, head in enumerate(heads):
            plan, shop = g // 10, g // 20
            own = self.modifiers(4)  # the product's own attributes: its keywords use these mostly
            base_bid = rng.lognormvariate(math.log(120), 0.6)
            for k in range(per_group):
                if k == 0:
                    words = [head]
                else:
                    n = rng.choice((1, 1, 2, 2, 3))
                    pool = own if rng.random() < 0.7 else self.modifiers(4)
                    words = rng.sample(pool, n) + [head]
                    rng.shuffle(words) if rng.random() < 0.2 else None
                match = rng.choices((MatchType.BROAD, MatchType.PHRASE, MatchType.EXACT), (5, 3, 2))[0]
                bid = max(1, int(base_bid * rng.uniform(0.7, 1.5)))
                self.ads.append(KeywordAd(kid, g, plan, shop, g, tokens_of(words), match, bid))
                self.quality.append(min(5.0, max(0.1, rng.lognormvariate(0, 0.45))))
                kid += 1
            if g % 10 == 0:
                for word in ("二手", rng.choice(MODIFIERS["audience"])):
                    self.negatives.append(Negative(tokens_of([word]), MatchType.PHRASE, plan_id=plan))
            if rng.random() < 0.1:
                self.negatives.append(
                    Negative(tokens_of(self.modifiers(1)), MatchType.PHRASE, plan, group_id=g)
                )

    def query(self) -> str:
        rng = self.rng
        head = rng.choices(HEADS, weights=self.head_weights)[0]
        words = self.modifiers(rng.choice((0, 1, 1, 2, 2, 3))) + [head]
        if rng.random() < 0.5:
            rng.shuffle(words)
        return (" " if rng.random() < 0.4 else "").join(words)


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def serve(index: KeywordIndex, words: list[str], seed: int):
    """What the search page does per query: the index's merge of its best-first postings, then GSP."""
    return index.auction(words, SYNONYMS, slots=SLOTS, reserve_fen=RESERVE_FEN, tie_seed=seed)


def serve_all(index: KeywordIndex, words: list[str], seed: int):
    """The same answer from every eligible candidate (the reference the fast path is tested against)."""
    candidates = index.candidates(words, SYNONYMS)
    return len(candidates), run_auction(candidates, slots=SLOTS, reserve_fen=RESERVE_FEN, tie_seed=seed)


def measure(index: KeywordIndex, texts: list[str]) -> dict[str, list]:
    """Per query: tokenizer, fast auction, full auction (interleaved), in ms of wall and of thread CPU."""
    out: dict[str, list] = {
        k: [] for k in ("tok_wall", "tok_cpu", "wall", "cpu", "all_wall", "all_cpu", "count")
    }
    out["shown"] = [0]
    for n, text in enumerate(texts):
        a, b = time.perf_counter(), time.thread_time()
        words = query_words(text)
        c, d = time.perf_counter(), time.thread_time()
        result = serve(index, words, n)
        e, f = time.perf_counter(), time.thread_time()
        count, reference = serve_all(index, words, n)  # interleaved: same query, same moment
        g, h = time.perf_counter(), time.thread_time()
        if reference.wins != result.wins:
            raise SystemExit(f"the fast path and the full auction differ on {text!r}")
        for key, value in (("tok_wall", c - a), ("tok_cpu", d - b), ("wall", e - c), ("cpu", f - d),
                           ("all_wall", g - e), ("all_cpu", h - f)):  # fmt: skip
            out[key].append(value * 1000)
        out["count"].append(count)
        out["shown"][0] += len(result.wins)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--keywords-per-group", type=int, default=10)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-gc-freeze", action="store_true", help="leave the built rows to the cyclic GC")
    args = parser.parse_args(argv)

    load_start = os.getloadavg()
    t0 = time.perf_counter()
    query_words("连衣裙")  # load jieba and its dictionary before timing
    t_jieba = time.perf_counter() - t0
    rss0 = rss_mib()
    t1, c1 = time.perf_counter(), time.process_time()
    world = World(args.groups, args.keywords_per_group, args.seed)
    t_rows, c_rows = time.perf_counter() - t1, time.process_time() - c1
    rss_rows = rss_mib()
    t2, c2 = time.perf_counter(), time.process_time()
    index = KeywordIndex.build(world.ads, world.negatives, dict(enumerate(world.quality)))
    t_index, c_index = time.perf_counter() - t2, time.process_time() - c2
    rss_index = rss_mib()
    if not args.no_gc_freeze:
        gc.collect()
        gc.freeze()  # a serving process keeps the index for its life: the cyclic GC need not walk it

    texts = [world.query() for _ in range(args.queries)]
    times = measure(index, texts)
    load_end = os.getloadavg()

    def trio(values):
        return {
            "p50": round(pct(values, 50), 3),
            "p99": round(pct(values, 99), 3),
            "max": round(max(values), 3),
        }

    out = {
        "groups": args.groups,
        "keywords": index.size,
        "negatives": len(world.negatives),
        "queries": args.queries,
        "gc_freeze": not args.no_gc_freeze,
        "jieba_load_s": round(t_jieba, 2),
        "rows_build_s": {"wall": round(t_rows, 1), "cpu": round(c_rows, 1)},
        "index_build_s": {"wall": round(t_index, 1), "cpu": round(c_index, 1)},
        "rss_mib": {
            "start": round(rss0),
            "rows": round(rss_rows - rss0),
            "index": round(rss_index - rss_rows),
        },
        "match_auction_ms_wall": trio(times["wall"]),
        "match_auction_ms_cpu": trio(times["cpu"]),
        "all_candidates_ms_wall": trio(times["all_wall"]),
        "all_candidates_ms_cpu": trio(times["all_cpu"]),
        "tokenize_ms_wall": trio(times["tok_wall"]),
        "tokenize_ms_cpu": trio(times["tok_cpu"]),
        "eligible_keywords": {
            "p50": pct(times["count"], 50),
            "p99": pct(times["count"], 99),
            "max": max(times["count"]),
        },
        "ads_shown_per_query": round(times["shown"][0] / args.queries, 2),
        "load_start": load_start,
        "load_end": load_end,
    }
    print(f"{index.size:,} keywords in {args.groups:,} groups, {len(world.negatives):,} negatives")
    print(f"build: rows {t_rows:.1f} s, index {t_index:.1f} s wall ({c_index:.1f} s CPU)")
    print(f"memory: rows +{rss_rows - rss0:.0f} MiB, index +{rss_index - rss_rows:.0f} MiB (RSS)")
    for name in (
        "match_auction_ms_wall",
        "match_auction_ms_cpu",
        "all_candidates_ms_wall",
        "all_candidates_ms_cpu",
        "tokenize_ms_wall",
        "tokenize_ms_cpu",
    ):
        print(f"{name}: {out[name]}")
    print(f"eligible keywords per query: {out['eligible_keywords']}, ads shown {out['ads_shown_per_query']}")
    print(f"load average: {load_start} → {load_end}")
    print("RESULT " + json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
