"""A "reports-like" corpus: long Chinese pages as a scraper gets them from 31 provincial sites.

A researcher who scrapes government work reports or news pages gets each page's text together
with its chrome: navigation bars, breadcrumbs, font-size and print buttons, a masthead with the
source, date, author and view count, share buttons, QR-code prompts, "previous/next article"
links, copyright and ICP lines. Government work reports also open and close with the same
formulas ("各位代表：现在，我代表省人民政府，向大会报告工作，请予审议……", "……而努力奋斗！"), and
news articles start with datelines ("新华社北京1月5日电（记者 张三）"). Repeated in every document,
such text becomes a topic of its own, or the top terms of every topic, unless preprocessing
removes it.

This module wraps real content, consecutive whole articles of People's Daily 1998-01
(``corpora.news_texts()``), about 20,000 characters a page, in such boilerplate. Each page
comes from one site; a site has one of several layouts that differ as real sites do (which
chrome, in which order, one item a line or several on one line, ASCII or full-width digits,
blank lines or indents between paragraphs), and the values in it (dates, names, view counts,
linked titles) change from page to page, so no single pattern strips it. ``CHROME_WORDS`` lists
the words this wrapping adds, as jieba cuts them (a few, such as 记者 and 新华社, the articles'
own datelines use too), leaving out the words the articles use heavily: a topic's top terms
should contain none of them.

    python bench/scraped_pages.py      # writes bench/.data/scraped_pages.csv
"""

from __future__ import annotations

import csv
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DATA, news_texts

REGIONS = ("北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 江西省 "
           "山东省 河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 云南省 西藏自治区 陕西省 "
           "甘肃省 青海省 宁夏回族自治区 新疆维吾尔自治区").split()
ABBREV = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新"  # for ICP filings, in the order of REGIONS
GB_CODES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65".split()
CITIES = "北京 上海 天津 广州 南京 武汉 成都 西安 沈阳 哈尔滨 济南 杭州 长沙 郑州 昆明 兰州 乌鲁木齐 拉萨".split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春晓文斌海燕宏亮鹏飞雪梅立新振宇"
SECTION = re.compile(r"[一二三四五六七八九十\d０-９]+[、．.]|（")  # a numbered heading, not an article's title
FINAL = ("。", "！", "？", "”")
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Layout:
    """How one kind of site frames a page; ``{field}`` placeholders are filled per page."""

    site: str  # the site's name
    header: tuple[str, ...]  # chrome before the content, a string a line ("\n" inside: several lines)
    footer: tuple[str, ...]  # chrome after it
    blank: bool  # a blank line between paragraphs
    indent: str  # before each paragraph
    wide: bool  # full-width digits in the chrome


LAYOUTS = (
    Layout("{region}人民政府门户网站",
           ("{region}人民政府门户网站", "首页 | 新闻 | 政务 | 服务 | 互动", "当前位置：首页 > 政务公开 > 政府工作报告",
            "{title}", "发布时间：{y}年{m}月{d}日 信息来源：{region}人民政府办公厅 浏览次数：{views}",
            "【字体：大 中 小】 【打印】 【关闭】"),
           ("【打印本页】 【关闭窗口】", "上一篇：{prev}", "下一篇：{next}",
            "版权所有：{region}人民政府办公厅 主办 {icp}", "网站标识码：{code}"), False, "　　", False),
    Layout("{region}人民政府网",
           ("首页 政务公开 政务服务 政民互动 走进{short}", "当前位置： 首页 > 政务公开 > 政府文件 > 政府工作报告",
            "{title}", "来源：{region}人民政府办公厅    发布时间：{y}-{mm}-{dd} {hh}:{mi}",
            "字号 加大 还原 减小    下载 打印 全屏 收藏"),
           ("扫一扫在手机打开当前页", "联系我们 | 网站地图 | 使用帮助",
            "主办：{region}人民政府办公厅  网站标识码：{code}  {icp}  {abbr}公网安备 {gongan}号"), True, "", False),
    Layout("{short}日报网",
           ("{short}日报网 | 新闻 | 时政 | 评论 | 图片 | 视频", "{short}日报网 > 要闻 > 正文", "{title}",
            "来源：{short}日报  时间：{y}-{mm}-{dd} {hh}:{mi}  作者：{author}", "分享到：微信 微博 QQ空间"),
           ("责任编辑：{editor}", "上一篇：{prev}  下一篇：{next}", "关于我们 | 联系我们 | 广告服务 | 网站地图",
            "版权所有 {short}日报社 未经授权禁止转载 {icp}"), False, "", True),
    Layout("新浪{short}",
           ("新闻中心首页 > 滚动新闻 > 正文", "{title}", "{y}年{m}月{d}日{hh}:{mi}  新浪新闻  {short}日报",
            "字号 大 中 小  分享到：\n微信\n微博\nQQ空间", "原标题：{first}"),
           ("（责任编辑：{editor}）", "扫一扫在手机打开当前页", "相关阅读：\n{prev}\n{next}",
            "新浪简介 | 联系我们 | 网站地图 | 使用帮助 | 版权所有"), True, "", False),
    Layout("{region}政府信息公开网",
           ("首页 | 新闻 | 政务 | 服务 | 互动 | 当前位置：首页 > 信息公开 > 规划计划 > 政府工作报告",
            "索引号：{index}  发布机构：{region}人民政府  发布日期：{y}年{m}月{d}日", "{title}",
            "作者：{author}  责任编辑：{editor}  浏览次数：{views}", "【字体：大 中 小】【打印】【关闭】"),
           ("【打印本页】【关闭窗口】", "上一篇：{prev}\n下一篇：{next}",
            "{region}人民政府办公厅主办  {icp}  网站标识码{code}"), True, "　　", True),
    Layout("{short}政府网",
           ("{region}人民政府 欢迎您！  今天是：{y}年{m}月{d}日  星期{wd}", "字号：大 中 小 | 打印 | 关闭", "{title}",
            "来源：{region}人民政府网 | 时间：{y}/{m}/{d} | 点击：{views}次"),
           ("上一篇：{prev}", "下一篇：{next}", "扫一扫在手机打开当前页  分享到：微信 微博",
            "联系我们 | 网站地图 | 使用帮助 | 隐私声明", "版权所有：{region}人民政府  网站标识码：{code}  {icp}"),
           False, "  ", False),
)

OPENINGS = ("现在，我代表{gov}，向大会报告工作，请予审议，并请{lv}政协委员和其他列席人员提出意见。",
            "现在，我代表{gov}向大会作政府工作报告，请予审议，并请{lv}政协各位委员和其他列席人员提出意见。",
            "受{gov}委托，现在向大会报告政府工作，请予审议，并请{lv}政协委员和其他列席会议的同志提出意见。")
CLOSINGS = ("各位代表！新的一年，任务艰巨，使命光荣。让我们在以江泽民同志为核心的党中央领导下，{a}，为{b}而努力奋斗！",
            "各位代表，{y}年是贯彻党的十五大精神的第一年。让我们{a}，为{b}而努力奋斗！",
            "各位代表！让我们更加紧密地团结在以江泽民同志为核心的党中央周围，{a}，为{b}而努力奋斗！")
RESOLVES = ("团结一致，开拓进取", "解放思想，真抓实干", "同心同德，奋发图强", "振奋精神，扎实工作")
GOALS = ("全面完成今年的各项任务", "把{short}建设成为经济繁荣、社会进步的新{short}", "实现跨世纪的宏伟目标",
         "开创{short}改革和建设的新局面")
DATELINES = ("新华社{city}1月{d}日电（记者 {name}）", "本报讯（记者 {name}）", "本报{city}1月{d}日讯 记者{name}报道：",
             "新浪新闻讯 北京时间1月{d}日消息，", "{short}日报讯（记者 {name} 通讯员 {name2}）")


def _short(region: str) -> str:
    """湖南省 -> 湖南, 内蒙古自治区 -> 内蒙古, 广西壮族自治区 -> 广西."""
    return region[:3] if region.startswith(("内蒙古", "黑龙江")) else region[:2]


# Chrome, report formulas and datelines as jieba cuts them, and compounds topiclab's segmenter and phrases make of them;
# not 同志 我们 提出 服务 工作 政府 建设 团结 党中央: the articles use them heavily.
CHROME_WORDS = frozenset("""
首页 新闻 政务 互动 当前 位置 政务公开 公开 字体 字号 打印 关闭 下载 全屏 收藏 加大 还原 减小 分享 分享到 微信 微博 QQ
空间 扫一扫 手机 打开 当前页 来源 信息 信息来源 时间 发布 发布时间 日期 发布日期 浏览 次数 浏览次数 点击 作者 责任编辑
编辑 本页 窗口 版权所有 版权 主办 办公厅 人民政府 门户网站 门户 网站 标识码 标识 ICP 公网 安备 联系 联系我们 地图
网站地图 帮助 使用帮助 上一篇 下一篇 一篇 相关 阅读 相关阅读 索引 索引号 发布机构 政民 走进 欢迎您 星期 隐私 声明 日报
日报社 日报网 未经 授权 禁止 转载 要闻 正文 时政 评论 视频 滚动 新浪 简介 广告 原标题 标题
各位代表 各位 代表 大会 审议 请予 政协委员 政协 省政协 市政协 委员 列席 列席会议 人员 报告 意见 委托 受省 受市
任务艰巨 艰巨 使命 光荣 努力奋斗 奋斗 团结一致 开拓进取 同心同德 奋发图强 振奋精神 扎实 扎实工作 真抓实干 全面完成
各项任务 经济繁荣 宏伟目标 第一年 紧密 周围 开创 第九届 人民代表大会 省长 市长 自治区主席
记者 本报记者 通讯员 新华社 本报讯 本报 报道 北京时间 消息 讯 电 日电 日讯
请予审议 列席人员 省政协委员 市政协委员 政府工作报告 大会作政府工作报告 大会报告 大会报告政府 人民政府委托 新浪新闻
政务服务 新华社记者
""".split()) | {f"星期{d}" for d in "一二三四五六日天"} | {f"{r}人民政府" for r in REGIONS} | {
    f"{_short(r)}{s}" for r in REGIONS for s in ("日报", "日报网", "日报社", "日报讯")}


def _articles(paragraphs: list[str]) -> list[list[str]]:
    """Whole articles: a title (a short line without final punctuation, maybe with a subtitle) and its paragraphs."""
    out: list[list[str]] = []
    body = True
    for p in paragraphs:
        title = len(p) <= 40 and not p.endswith(FINAL) and not p.startswith("（")
        if title and (body or not out):
            out.append([])
        out[-1].append(p)
        body = not title
    return out


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _page(i: int, region: str, articles: list[list[str]], titles: list[str], dated: bool,
          rng: random.Random) -> dict:
    r = REGIONS.index(region)
    layout = LAYOUTS[r % len(LAYOUTS)]
    reg = random.Random(region)  # a site's registration numbers, like its layout, do not change
    lv = "自治区" if region.endswith("自治区") else region[-1]
    short = _short(region)
    d, hh, mi = rng.randint(5, 28), rng.randint(7, 22), rng.randint(0, 59)
    own = {a[0] for a in articles}
    prev, nxt = rng.sample([t for t in titles if t not in own], 2)
    fields = dict(region=region, short=short, abbr=ABBREV[r], y=1998, m=1, d=d, mm="01", dd=f"{d:02d}",
                  hh=f"{hh:02d}", mi=f"{mi:02d}", wd="日一二三四五六"[(d + 3) % 7], views=int(10 ** rng.uniform(2, 5)),
                  author=_name(rng), editor=_name(rng), prev=prev, next=nxt, first=articles[0][0],
                  title=rng.choice((f"{region}1998年政府工作报告", "政府工作报告", articles[0][0])),
                  index=f"{rng.randint(10**8, 10**9)}/1998-{rng.randint(1, 999):05d}",
                  icp=f"{ABBREV[r]}ICP备{reg.randint(5, 12):02d}{reg.randint(0, 999999):06d}号",
                  code=f"{GB_CODES[r]}000000{reg.randint(1, 99):02d}",
                  gongan=f"{GB_CODES[r]}{reg.randint(10**11, 10**12)}")

    def chrome(lines: tuple[str, ...]) -> list[str]:  # a line now and then missing, as scrapers miss them
        kept = [line.format(**fields) for line in lines if rng.random() > 0.12 or "{title}" in line]
        return [line.translate(WIDE) if layout.wide else line for text in kept for line in text.split("\n")]

    opening = rng.choice(OPENINGS).format(gov=rng.choice((f"{lv}人民政府", f"{region}人民政府", "政府")), lv=lv)
    content = ["各位代表：" + opening] if rng.random() < 0.3 else ["各位代表：", opening]
    if rng.random() < 0.5:  # the speech's subtitle and speaker
        speaker = {"省": "省长", "市": "市长"}.get(lv, "自治区主席")
        content[:0] = [f"——1998年1月{rng.randint(5, d)}日在{region}第九届人民代表大会第一次会议上",
                       f"{speaker} {_name(rng)}"]
    dateline = rng.choice(DATELINES)
    for j, article in enumerate(articles):
        lead = next((k for k, p in enumerate(article) if len(p) > 40), -1)  # the first real paragraph
        for k, p in enumerate(article):
            if dated and k == lead and not p.startswith(("新华社", "本报", "据")) and (j == 0 or rng.random() < 0.7):
                p = dateline.format(city=rng.choice(CITIES), d=rng.randint(1, 31), name=_name(rng),
                                    name2=_name(rng), short=short) + p
            content.append(p)
    content.append(rng.choice(CLOSINGS).format(y=rng.choice(("1998", "今")), a=rng.choice(RESOLVES),
                                               b=rng.choice(GOALS).format(short=short)))
    body = ("\n\n" if layout.blank else "\n").join(layout.indent + p for p in content)
    return {"doc_id": f"page{i:03d}", "site": layout.site.format(**fields),
            "text": "\n".join([*chrome(layout.header), body, *chrome(layout.footer)])}


def scraped_pages(n_pages: int = 31, chars_per_page: int = 20_000, seed: int = 0) -> list[dict]:
    """``n_pages`` pages, each about ``chars_per_page`` characters of consecutive articles plus its site's chrome."""
    rng = random.Random(seed)
    articles = _articles(news_texts())
    titles = [a[0] for a in articles if len(a) > 1 and len(a[0]) >= 6 and not SECTION.match(a[0])]
    dated = set(rng.sample(range(n_pages), round(n_pages / 3)))
    regions = rng.sample(REGIONS, len(REGIONS))
    pages, start = [], 0
    for i in range(n_pages):
        end, size = start, 0
        while size < chars_per_page:
            if end == len(articles):
                raise ValueError(f"the news corpus holds fewer than {n_pages} pages of {chars_per_page} characters")
            size += sum(len(p) for p in articles[end])
            end += 1
        pages.append(_page(i, regions[i % len(regions)], articles[start:end], titles, i in dated, rng))
        start = end
    return pages


def write_csv(path: str | Path, pages: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["doc_id", "site", "text"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(pages)


if __name__ == "__main__":
    pages = scraped_pages()
    DATA.mkdir(parents=True, exist_ok=True)
    write_csv(DATA / "scraped_pages.csv", pages)
    print(f"{len(pages)} documents, {sum(len(p['text']) for p in pages) / len(pages):,.0f} characters on average, "
          f"{len({p['site'] for p in pages})} sites -> {DATA / 'scraped_pages.csv'}")
    print(f"{pages[0]['doc_id']} ({pages[0]['site']}):\n{pages[0]['text'][:1500]}")
