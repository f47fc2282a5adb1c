"""Labels in English and Chinese for the terminal, the workbook and the report.

Column headers are built from the column name: its label and its unit, e.g.
``scope1_t`` -> ``Scope 1 [t CO2e]`` / ``范围一排放 [t CO2e]``. Units are written the
same in both languages (SI and currency codes are what Chinese finance sheets use too).
"""

from __future__ import annotations

__all__ = ["LANGS", "column_header", "label"]

LANGS = ("en", "zh")

#: key -> (English, Chinese)
LABELS: dict[str, tuple[str, str]] = {
    # sheets / tables
    "sheet.summary": ("Summary", "摘要"),
    "sheet.roadmap": ("Roadmap", "路线图"),
    "sheet.measures": ("Measures", "措施"),
    "sheet.energy": ("Energy", "能源平衡"),
    "sheet.emissions": ("Emissions", "排放"),
    "sheet.pathways": ("Pathways", "减排路径"),
    "sheet.costs": ("Costs", "成本"),
    "sheet.finance": ("Finance", "财务"),
    "sheet.cashflow": ("Cash flow", "现金流"),
    "sheet.macc": ("MACC", "边际减排成本"),
    "sheet.compare": ("Compare", "情景比较"),
    "sheet.verdicts": ("Standard verdicts", "标准符合性"),
    "sheet.rules": ("Standard rules", "标准规则核查"),
    "report.standard": ("Zero-carbon standard", "零碳标准"),
    "report.claim_year": ("First year the claim can be made", "可声明的首个年份"),
    "report.marks": ("Rules marked [S] rest on a secondary source, [U] on an assumption: "
                     "their thresholds could not be verified from the standard's text.",
                     "标注 [S] 的规则依据二手资料，标注 [U] 的为假设：其阈值未能从标准原文核实。"),
    "term.standard": ("Standard", "标准"),
    "term.pathways": ("Abatement by pathway over the horizon", "规划期内各减排路径的贡献"),
    # charts
    "chart.emissions": ("Emissions by pathway", "按减排路径的排放"),
    "chart.capex": ("Capex per year", "年度资本支出"),
    "chart.macc": ("Marginal abatement cost curve", "边际减排成本曲线"),
    "chart.energy": ("Energy balance by year", "年度能源平衡"),
    "chart.week": ("A typical week of hourly operation", "典型周逐时运行"),
    "chart.cashflow": ("Cumulative discounted savings against business as usual",
                       "相对基准情景的累计折现节省"),
    "axis.year": ("Year", "年份"),
    "axis.t": ("t CO2e", "吨二氧化碳当量"),
    "axis.mcny": ("million CNY", "百万元"),
    "axis.cny_per_t": ("CNY per t CO2e", "元/吨二氧化碳当量"),
    "axis.abated_t": ("Tonnes abated over the horizon [t CO2e]", "规划期内减排量 [t CO2e]"),
    "axis.mwh": ("MWh per year", "兆瓦时/年"),
    "axis.kw": ("kW", "千瓦"),
    "axis.kwh": ("kWh", "千瓦时"),
    "axis.hour": ("Hour", "时刻"),
    "series.net": ("Net emissions (plan)", "净排放（规划）"),
    "series.bau": ("Business as usual", "基准情景"),
    "series.allowed": ("Target (allowed net)", "目标（允许净排放）"),
    "series.grid_import": ("Grid import", "电网购电"),
    "series.pv_self": ("Self-consumed PV", "光伏自用"),
    "series.export": ("Export", "上网电量"),
    "series.load": ("Load", "负荷"),
    "series.pv": ("PV output", "光伏出力"),
    "series.charge": ("Battery charge", "电池充电"),
    "series.discharge": ("Battery discharge", "电池放电"),
    "series.soc": ("Battery state of charge", "电池荷电量"),
    "series.capex_measures": ("Measures", "措施"),
    "series.capex_pv": ("PV", "光伏"),
    "series.capex_battery": ("Battery", "储能电池"),
    # pathways and kinds
    "pathway.efficiency": ("Efficiency", "能效提升"),
    "pathway.process-gas": ("Process gases", "工艺气体替代"),
    "pathway.renewables": ("Renewables (PV, battery)", "可再生能源（光伏、储能）"),
    "pathway.fuel-switch": ("Fuel switch", "燃料替代与电气化"),
    "pathway.removal": ("Removal measures", "碳移除措施"),
    "pathway.other": ("Other", "其他"),
    "pathway.certificates": ("Green certificates", "绿证"),
    "pathway.credits": ("Credits", "碳信用"),
    "pathway.removals": ("Removals bought", "购买的碳移除"),
    "kind.measure": ("Measure", "措施"),
    "kind.pv": ("PV", "光伏"),
    "kind.battery": ("Battery", "储能电池"),
    "kind.certificate": ("Green certificates", "绿证"),
    "kind.credit": ("Credit", "碳信用"),
    "kind.removal": ("Removal", "碳移除"),
    # key figures and terminal
    "kpi.standard": ("Standard", "标准"),
    "kpi.claim_year": ("First year the claim can be made", "可声明的首个年份"),
    "kpi.npv_plan": ("NPV of the plan", "规划总成本净现值"),
    "kpi.npv_bau": ("NPV of business as usual", "基准情景成本净现值"),
    "kpi.npv_difference": ("Plan minus BAU", "规划与基准之差"),
    "kpi.npv_savings": ("NPV of savings vs BAU", "相对基准的节省净现值"),
    "kpi.capex_total": ("Total capex", "资本支出合计"),
    "kpi.capex_peak": ("Peak-year capex", "峰值年资本支出"),
    "kpi.capex_peak_year": ("Peak capex year", "资本支出峰值年份"),
    "kpi.irr": ("IRR against BAU", "相对基准的内部收益率"),
    "kpi.payback": ("Discounted payback", "折现回收年份"),
    "kpi.lcoa": ("Levelised abatement cost", "平准化减排成本"),
    "kpi.abated": ("Emissions abated vs BAU", "相对基准的减排量"),
    "kpi.average_cost": ("Average abatement cost", "平均减排成本"),
    "kpi.net_zero": ("Net zero reached", "实现净零年份"),
    "kpi.target": ("target", "目标"),
    "kpi.credits_share": ("Credits share of abatement", "碳信用占减排量比例"),
    "kpi.measures": ("Measures chosen", "选定措施"),
    "kpi.solver": ("Solver", "求解器"),
    "kpi.never": ("not within the horizon", "规划期内未实现"),
    "kpi.none": ("none", "无"),
    "kpi.warning": ("Warning", "警告"),
    "kpi.not_optimal": ("plan NOT proven optimal", "规划未被证明为最优"),
    "kpi.peak_in": ("in", "年份"),
    "kpi.emissions_in": ("Net emissions", "净排放"),
    "term.roadmap": ("Roadmap", "路线图"),
    "term.summary": ("Summary", "摘要"),
    "term.finance": ("Levers: finance and abatement", "各项措施的财务与减排"),
    "term.assumptions": ("Assumptions used", "所用假设"),
    "term.two_part": ("Two-part tariff: monthly peaks and basic charge",
                      "两部制电价：月最大需量与基本电费"),
    "term.basis": ("Basis", "计费方式"),
    "term.peak_max": ("Highest monthly peak", "月最大需量（最高）"),
    "term.peak_min": ("Lowest monthly peak", "月最大需量（最低）"),
    "term.written": ("results written to", "结果已写入"),
    "term.solving": ("solving", "求解中"),
    "term.compare": ("Scenarios compared", "情景比较"),
    "term.diff_note": ("bold yellow: differs from the first scenario",
                       "黄色粗体：与第一个情景不同"),
    "report.title": ("Decarbonisation plan", "脱碳规划"),
    "report.key_figures": ("Key figures", "关键指标"),
    "report.generated": ("Written by carbonpath", "由 carbonpath 生成"),
    "report.levers": ("Levers", "措施"),
    "report.week_note": ("Week of", "周起始"),
    "report.not_on_curve": ("Not on the curve (abate nothing or add emissions)",
                            "未列入曲线（无减排或增加排放）"),
}

#: Column name (without its unit suffix handled below) -> (English, Chinese, unit).
COLUMNS: dict[str, tuple[str, str, str]] = {
    "year": ("Year", "年份", ""),
    "measures_built": ("Measures built", "建设的措施", ""),
    "pv_added_kw": ("PV added", "新增光伏", "kWp"),
    "battery_added_kwh": ("Battery added (energy)", "新增储能容量", "kWh"),
    "battery_added_kw": ("Battery added (power)", "新增储能功率", "kW"),
    "pv_capacity_kw": ("PV capacity", "光伏装机", "kWp"),
    "battery_capacity_kwh": ("Battery capacity", "储能容量", "kWh"),
    "scope1_t": ("Scope 1", "范围一排放", "t CO2e"),
    "scope2_location_t": ("Scope 2 location-based", "范围二排放（基于位置）", "t CO2"),
    "scope2_market_t": ("Scope 2 market-based", "范围二排放（基于市场）", "t CO2"),
    "certificates_mwh": ("Certificates", "绿证", "MWh"),
    "credits_t": ("Credits", "碳信用", "t CO2e"),
    "removals_t": ("Removals", "碳移除", "t CO2e"),
    "net_t": ("Net emissions", "净排放", "t CO2e"),
    "allowed_t": ("Allowed net", "允许净排放", "t CO2e"),
    "capex_cny": ("Capex", "资本支出", "CNY"),
    "opex_cny": ("Opex", "运营支出", "CNY"),
    "total_cost_cny": ("Total cost", "总成本", "CNY"),
    "measure": ("Measure", "措施", ""),
    "name": ("Name", "名称", ""),
    "pathway": ("Pathway", "减排路径", ""),
    "chosen": ("Chosen", "是否选用", ""),
    "build_years": ("Build years", "建设年份", ""),
    "first_build_year": ("First build year", "首次建设年份", ""),
    "years_alive": ("Years in service", "运行年数", "yr"),
    "group": ("Exclusive group", "互斥组", ""),
    "load_mwh": ("Load", "用电负荷", "MWh"),
    "pv_mwh": ("PV output", "光伏发电", "MWh"),
    "pv_self_consumed_mwh": ("PV self-consumed", "光伏自用", "MWh"),
    "import_mwh": ("Grid import", "电网购电", "MWh"),
    "export_mwh": ("Export", "上网电量", "MWh"),
    "curtailed_mwh": ("Curtailed", "弃光", "MWh"),
    "battery_charge_mwh": ("Battery charge", "电池充电", "MWh"),
    "battery_discharge_mwh": ("Battery discharge", "电池放电", "MWh"),
    "peak_import_kw": ("Peak import", "最大购电功率", "kW"),
    "import_cost_cny": ("Import cost", "购电费用", "CNY"),
    "export_revenue_cny": ("Export revenue", "售电收入", "CNY"),
    "energy_cost_cny": ("Energy cost", "电费净额", "CNY"),
    "peak_import_kw_m01": ("Peak import Jan", "1月最大需量", "kW"),
    "peak_import_kw_m02": ("Peak import Feb", "2月最大需量", "kW"),
    "peak_import_kw_m03": ("Peak import Mar", "3月最大需量", "kW"),
    "peak_import_kw_m04": ("Peak import Apr", "4月最大需量", "kW"),
    "peak_import_kw_m05": ("Peak import May", "5月最大需量", "kW"),
    "peak_import_kw_m06": ("Peak import Jun", "6月最大需量", "kW"),
    "peak_import_kw_m07": ("Peak import Jul", "7月最大需量", "kW"),
    "peak_import_kw_m08": ("Peak import Aug", "8月最大需量", "kW"),
    "peak_import_kw_m09": ("Peak import Sep", "9月最大需量", "kW"),
    "peak_import_kw_m10": ("Peak import Oct", "10月最大需量", "kW"),
    "peak_import_kw_m11": ("Peak import Nov", "11月最大需量", "kW"),
    "peak_import_kw_m12": ("Peak import Dec", "12月最大需量", "kW"),
    "basic_charge_cny": ("Basic charge (demand/capacity)", "基本电费（需量/容量）", "CNY"),
    "scope": ("Scope", "范围", ""),
    "source": ("Source", "排放源", ""),
    "emissions_t": ("Emissions", "排放量", "t CO2e"),
    "activity": ("Activity", "活动水平", ""),
    "activity_unit": ("Activity unit", "活动水平单位", ""),
    "abated_t": ("Abated", "减排量", "t CO2e"),
    "capex_measures_cny": ("Capex measures", "措施资本支出", "CNY"),
    "capex_pv_cny": ("Capex PV", "光伏资本支出", "CNY"),
    "capex_battery_cny": ("Capex battery", "储能资本支出", "CNY"),
    "fixed_om_cny": ("Fixed O&M", "固定运维", "CNY"),
    "energy_cny": ("Grid energy", "电费", "CNY"),
    "fuel_cny": ("Fuel", "燃料费", "CNY"),
    "carbon_cny": ("Carbon price", "碳价成本", "CNY"),
    "certificates_cny": ("Certificates", "绿证费用", "CNY"),
    "credits_cny": ("Credits", "碳信用费用", "CNY"),
    "removals_cny": ("Removals", "碳移除费用", "CNY"),
    "total_cny": ("Total", "合计", "CNY"),
    "discount_factor": ("Discount factor", "折现系数", "-"),
    "discounted_total_cny": ("Discounted total", "折现合计", "CNY"),
    "lever": ("Lever", "措施", ""),
    "kind": ("Kind", "类型", ""),
    "npv_cny": ("NPV of own cash flows", "自身现金流净现值", "CNY"),
    "discounted_cost_cny": ("Discounted net cost", "折现净成本", "CNY"),
    "abated_discounted_t": ("Abated, discounted", "折现减排量", "t CO2e"),
    "lcoa_cny_per_t": ("Levelised abatement cost", "平准化减排成本", "CNY/t"),
    "plan_cost_cny": ("Plan cost", "规划成本", "CNY"),
    "bau_cost_cny": ("BAU cost", "基准成本", "CNY"),
    "incremental_cny": ("Saving vs BAU", "相对基准节省", "CNY"),
    "discounted_incremental_cny": ("Discounted saving", "折现节省", "CNY"),
    "cumulative_discounted_cny": ("Cumulative discounted saving", "累计折现节省", "CNY"),
    "id": ("Id", "编号", ""),
    "cost_cny_per_t": ("Cost", "成本", "CNY/t"),
    "x_start_t": ("Curve from", "曲线起点", "t CO2e"),
    "x_end_t": ("Curve to", "曲线终点", "t CO2e"),
    "item": ("Item", "项目", ""),
    "value": ("Value", "数值", ""),
    "unit": ("Unit", "单位", ""),
    "five_pathway": ("Zero-carbon pathway", "零碳路径", ""),
    "share_of_year_abatement": ("Share of the year's abatement", "占当年减排比例", "-"),
    "rule": ("Rule", "规则", ""),
    "threshold": ("Threshold", "阈值", ""),
    "met": ("Met", "是否满足", ""),
    "in_force": ("In force", "是否适用", ""),
    "mark": ("Confidence", "可信度", ""),
    "claim_possible": ("Claim possible", "可声明", ""),
    "rules_in_force": ("Rules in force", "适用规则数", ""),
    "rules_failed": ("Rules failed", "未满足的规则", ""),
    "factor": ("Emission factor", "排放因子", ""),
    "factor_unit": ("Factor unit", "因子单位", ""),
    "factor_source": ("Factor source", "因子来源", ""),
}


def _check(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return LANGS.index(lang)


def label(key: str, lang: str = "en") -> str:
    """The label of ``key`` in ``lang`` (``en`` or ``zh``).

    Raises
    ------
    KeyError
        For a key without labels (a missing translation is a bug, not a fallback).
    ValueError
        For an unknown language.
    """
    return LABELS[key][_check(lang)]


def column_header(column: str, lang: str = "en") -> str:
    """Header of a table column with its unit in brackets, e.g. ``Net emissions [t CO2e]``.

    Columns without a label (e.g. a scenario's name in a comparison) are returned as they are.
    """
    i = _check(lang)
    if column not in COLUMNS:
        return column
    entry = COLUMNS[column]
    unit = entry[2]
    return f"{entry[i]} [{unit}]" if unit and unit != "-" else entry[i]
