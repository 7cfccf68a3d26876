"""Build ``src/topiclab/data/policy_dict.tsv``, the bundled dictionary of policy terms.

Each candidate term below is kept only if jieba's default dictionary splits it (checked with
``jieba.posseg``), so every entry changes segmentation: that is its reason to be there, and
the group says what kind of term it is. Run after editing the lists:

    python scripts/build_policy_dict.py
"""

from __future__ import annotations

from pathlib import Path

GROUPS = {
    "region": (
        "ns", "regional strategies, zones and region names that policy writing treats as one unit",
        "长三角一体化 长三角生态绿色一体化发展示范区 一体化示范区 京津冀协同发展 成渝地区双城经济圈 双城经济圈 "
        "长江经济带 黄河流域 一带一路 自贸试验区 自由贸易试验区 临港新片区 虹桥国际开放枢纽 城市群 都市圈 "
        "同城化 三省一市 沪苏浙皖 对口合作 飞地经济 科创走廊 东数西算 西部大开发 东北振兴 中部崛起 "
        "共同富裕示范区 海峡西岸经济区 国际消费中心城市 全球城市 五个中心 四大功能 国际金融中心 "
        "国际航运中心 国际贸易中心 科技创新中心 综合性国家科学中心 张江科学城 张江药谷 虹桥商务区 "
        "南京江北新区 苏州工业园区 浦东引领区 社会主义现代化建设引领区 长三角示范区 产业飞地 创新飞地 "
        "离岸科创园 驻沪办事处",
    ),
    "industry": (
        "nz", "industries, technologies and business forms named as one thing",
        "集成电路 生物医药 人工智能 新能源汽车 高端装备 先进制造业 战略性新兴产业 未来产业 现代服务业 "
        "生产性服务业 工业互联网 智能制造 低空经济 平台经济 共享经济 银发经济 海洋经济 民营经济 数实融合 "
        "产业集群 先进制造业集群 世界级产业集群 链主企业 专精特新 小巨人 单项冠军 独角兽企业 瞪羚企业 "
        "隐形冠军 龙头企业 中小微企业 高新技术企业 科技型中小企业 科技型企业 晶圆代工 芯片设计 封装测试 "
        "光伏产业 动力电池 新型储能 氢能产业 智能网联汽车 商业航天 大飞机 生物制造 合成生物 量子计算 "
        "算力网络 数据要素 数据中心 大模型 智改数转 数字化转型 绿色低碳 碳达峰 碳中和 双碳目标 新型工业化 "
        "现代化产业体系 新质生产力 制造强国 质量强国 数字经济 实体经济 总部经济 楼宇经济 首店经济 "
        "夜间经济 会展经济 跨境电商 直播电商 服务贸易 离岸贸易 数字贸易 转口贸易 大宗商品 航运服务 "
        "检验检测 研发设计 供应链管理 生产性互联网服务平台 专业服务平台 工业软件 基础软件 操作系统 "
        "高端芯片 关键零部件 新材料产业 绿色制造 服务型制造 智能工厂 灯塔工厂 未来工厂",
    ),
    "innovation": (
        "nz", "science and innovation policy: institutions, instruments and programmes",
        "科技成果转化 成果转化 技术转移 技术经理人 概念验证 中试基地 新型研发机构 国家实验室 "
        "全国重点实验室 大科学装置 大科学设施 关键核心技术 卡脖子 基础研究 原始创新 协同创新 产学研 "
        "产学研用 创新联合体 创新策源 创新策源能力 科创企业 科创板 科技金融 科创金融 知识产权 "
        "知识产权保护 专利转化 揭榜挂帅 首台套 科技特派员 众创空间 创新生态 科技自立自强 颠覆性技术 "
        "前沿技术 共性技术 技术攻关 协同攻关 新型举国体制 职务科技成果 尽职免责 创新链 产业链 供应链 "
        "价值链 资金链 人才链 四链融合 科技创新共同体 技术创新中心 制造业创新中心 创新平台 孵化载体 "
        "科技资源共享 大型科学仪器 科研院所 高校院所 研发投入 研发强度 技术交易 技术合同 赋权改革 "
        "数据知识产权 知识产权质押 知识产权强市 专利导航",
    ),
    "governance": (
        "nz", "business environment, administration and opening-up reforms",
        "营商环境 一网通办 一网统管 高效办成一件事 放管服 证照分离 一照多址 负面清单 准入前国民待遇 "
        "市场准入 公平竞争审查 包容审慎 信用监管 双随机一公开 首违不罚 免罚清单 不予行政处罚 "
        "减轻行政处罚 政务服务 最多跑一次 跨省通办 数字政府 城市大脑 一窗通 容缺受理 告知承诺制 "
        "综合监管 行政审批 商事制度改革 制度型开放 高水平对外开放 外商投资 外资企业 跨境人民币 资本项目 "
        "数字人民币 国际规则 高标准经贸规则 数据跨境流动 企业登记 登记注册 市场监管 联合标准 "
        "团体标准 标准化建设 包容审慎监管 柔性执法 合规经营 商业秘密 知识产权侵权 多元化纠纷解决 "
        "商事调解 国际仲裁 自贸区 临港片区 国际门户枢纽 招商引资 反向招商 投资促进 营商环境优化",
    ),
    "finance": (
        "nz", "finance for the real economy: instruments and institutions",
        "普惠金融 绿色金融 科技信贷 投贷联动 股贷债保 质押融资 融资担保 政府引导基金 风险投资 "
        "创业投资 私募股权 耐心资本 再贷款 再贴现 专项债 地方债 融资难融资贵 首贷 信用贷款 供应链金融 "
        "债券融资 科创债 科技创新债券 北交所 注册制 人民银行 货币政策工具 信贷产品 贷款余额 "
        "融资服务 金融服务 金融机构 商业银行 政策性银行 担保贷款 贴息贷款 风险补偿 跨境金融 "
        "双向人民币资金池 科技保险",
    ),
    "urban": (
        "nz", "cities, housing and public services",
        "城市更新 旧区改造 城中村改造 保障性住房 保障性租赁住房 十五分钟生活圈 老旧小区改造 基本公共服务 "
        "养老服务 托育服务 人民城市 韧性城市 智慧城市 海绵城市 风貌保护 历史风貌 风貌街坊 工业遗产 "
        "微更新 口袋公园 城市治理 基层治理 网格化管理 社区治理 有机更新 容积率奖励 工业用地 存量用地 "
        "土地出让 公共空间 街道空间 交通枢纽 轨道交通 城市数字化转型 城市规划 城市设计",
    ),
    "ecology": (
        "nz", "environment and climate policy",
        "生态文明 生态环境 共保联治 联防联控 河长制 林长制 生态补偿 生态保护红线 碳排放权 碳交易 "
        "排污权 绿色发展 美丽中国 无废城市 污染防治 减污降碳 生态产品价值实现 两山转化 生态绿币 生态币 "
        "绿色生态 生态空间 生态优势 环境治理 大气污染 水环境 流域治理 低碳行动 可持续发展",
    ),
    "rural": (
        "nz", "rural policy and collective assets",
        "乡村振兴 农村集体经济 新型农村集体经济 集体经营性建设用地 三资监管 村财镇管 农民专业合作社 "
        "家庭农场 高标准农田 粮食安全 宅基地 土地流转 承包地 集体资产 农村改革 共同富裕",
    ),
    "talent": (
        "nz", "talent, education and employment",
        "人才引进 高层次人才 海外人才 人才高地 技能人才 卓越工程师 产教融合 科教融合 就业优先 灵活就业 "
        "新就业形态 稳就业 创新人才 人才梯队 海外工程师 外国人才",
    ),
    "macro": (
        "nz", "development strategy and reform vocabulary",
        "高质量发展 新发展理念 新发展格局 双循环 国内大循环 国内国际双循环 全国统一大市场 "
        "供给侧结构性改革 扩大内需 中国式现代化 稳增长 稳预期 稳外贸 稳外资 国有企业改革 混合所有制 "
        "国资国企 民营企业 个体工商户 经营主体 市场主体 十四五规划 党的二十大 中央经济工作会议 "
        "中央金融工作会议 政府工作报告 顶层设计 先行先试 试点示范 复制推广 制度创新 体制机制 "
        "深化改革 对外开放 区域协调发展 区域一体化 新型城镇化 一体化发展 国家战略 战略任务 "
        "高水平开放 开放型经济",
    ),
}

HEADER = """\
# topiclab's bundled dictionary of Chinese policy and economics terms.
# Format: word <TAB> tag <TAB> group; frequencies are left to the segmenter, which gives each
# word the smallest frequency that keeps it whole (jieba's suggest_freq), identically in every engine.
# Every entry is split by jieba's default dictionary (checked by scripts/build_policy_dict.py and a
# test): adding it is what keeps the term one token. Groups:
"""


def main() -> None:
    import jieba.posseg as posseg

    rows, seen = [], set()
    lines = [HEADER]
    for group, (tag, why, words) in GROUPS.items():
        lines.append(f"#   {group}: {why}\n")
        for word in words.split():
            if word in seen:
                continue
            seen.add(word)
            if len(posseg.lcut(word)) > 1:
                rows.append(f"{word}\t{tag}\t{group}\n")
    out = Path(__file__).resolve().parents[1] / "src/topiclab/data/policy_dict.tsv"
    out.write_text("".join(lines) + "word\ttag\tgroup\n" + "".join(rows), encoding="utf-8")
    print(f"{len(rows)} of {len(seen)} candidate terms are split by jieba and kept: {out}")


if __name__ == "__main__":
    main()
