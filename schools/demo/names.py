"""Invented people for the demo: names drawn without repeats, phones that are plainly fake."""

import random

SURNAMES = "王李张刘陈杨赵马韩祁冶鲁汪朱孙何胡周吴徐郭罗高林蔡晁铁秦魏薛童星"
GIVEN_NAMES = [
    "建国",
    "永福",
    "海军",
    "玉兰",
    "秀英",
    "文斌",
    "志强",
    "晓燕",
    "国庆",
    "德明",
    "生福",
    "有才",
    "金花",
    "成林",
    "红梅",
    "占海",
    "永胜",
    "淑珍",
    "学军",
    "春花",
    "明远",
    "桂兰",
    "振华",
    "丽娟",
    "国栋",
    "玉梅",
    "守仁",
    "宏伟",
    "世林",
    "福寿",
    "长青",
    "晓东",
    "雪梅",
    "兴邦",
    "立新",
    "慧敏",
    "光辉",
    "彩霞",
    "得禄",
    "存良",
    "正元",
    "小平",
    "翠兰",
    "建军",
    "国华",
    "秀兰",
    "维山",
    "宗林",
    "文静",
    "海燕",
]
# Tibetan names carry no surname.
TIBETAN_NAMES = [
    "才让多杰",
    "卓玛措",
    "拉毛草",
    "索南才让",
    "多杰扎西",
    "更藏卓玛",
    "旦正加",
    "仁青措",
]


class NamePool:
    """Hands out distinct invented names in an order fixed by ``rng``."""

    def __init__(self, rng: random.Random):
        names = [surname + given for surname in SURNAMES for given in GIVEN_NAMES]
        names += TIBETAN_NAMES
        rng.shuffle(names)
        self._names = names

    def take(self) -> str:
        return self._names.pop()


def mobile(prefix: str, number: int) -> str:
    """A mobile number that is obviously invented, e.g. ``mobile("138", 101)`` -> 138-0000-0101."""
    return f"{prefix}-0000-{number:04d}"


def inspector_mobile(prefix: str, number: int) -> str:
    """The same invented number as an inspector stores it, its 11 digits: 13800000101.

    Inspectors are kept unique by these digits, as the office's form and the import write them.
    """
    return mobile(prefix, number).replace("-", "")
