"""Labels in English and Chinese for the terminal, the workbook and the report.

Column headers are built from the column name: its label and its unit, e.g.
``scope1_t`` -> ``Scope 1 [t CO2e]`` / ``范围一排放 [t CO2e]``. Units are written the
same in both languages (SI and currency codes are what Chinese finance sheets use too).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["LANGS", "MESSAGES", "Msg", "column_header", "default_lang", "label", "msg"]

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
    "sheet.cash_parts": ("Cash flow parts", "现金流明细"),
    "sheet.tax_ledger": ("Tax ledger", "所得税台账"),
    "sheet.macc": ("MACC", "边际减排成本"),
    "sheet.charts": ("Charts", "图表"),
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
    "axis.mcny": ("million CNY", "万元"),  # Chinese charts count in 万 (report/money.py)
    "axis.cny_per_t": ("Levelised abatement cost [CNY per t CO2e]",
                       "平准化减排成本 [元/吨二氧化碳当量]"),
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
    "five.0-energy-efficiency": ("Energy efficiency", "节能提效"),
    "five.1-high-gwp-replacement": ("High-GWP gas replacement", "高全球变暖潜势气体替代"),
    "five.2-onsite-renewables": ("On-site renewables", "厂内可再生能源"),
    "five.3-low-carbon-fuels": ("Low-carbon fuels and electrification", "低碳燃料与电气化"),
    "five.4-carbon-removal": ("Carbon removal", "碳移除"),
    "five.5-credits-and-certificates": ("Credits and green certificates", "碳信用与绿证"),
    "five.other": ("Other", "其他"),
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
    "kind.green_power": ("Green-power contract", "绿电合同"),
    "kind.credit": ("Credit", "碳信用"),
    "kind.removal": ("Removal", "碳移除"),
    # key figures and terminal
    "kpi.standard": ("Standard", "标准"),
    "kpi.claim_year": ("First year the claim can be made", "可声明的首个年份"),
    "kpi.npv_plan": ("NPV of the plan's costs", "规划总成本净现值"),
    "kpi.npv_bau": ("NPV of business-as-usual costs", "基准情景总成本净现值"),
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
    "kpi.money_basis": ("Money basis", "货币口径"),
    "kpi.after_tax": ("after tax", "税后"),
    "kpi.pre_tax": ("pre-tax", "税前"),
    "kpi.borrowed": ("borrowed", "贷款"),
    "kpi.cash": ("paid in cash", "现金支付"),
    "kpi.inflation": ("inflation", "通胀"),
    "kpi.real": ("real money", "实际价格"),
    "kpi.nominal_inputs": ("prices stated nominal", "输入为名义价格"),
    "kpi.tax_carry_forward": ("Cost of tax carry-forward", "税收结转成本"),
    "kpi.npv_vs_purchases": ("NPV of savings vs compliance by purchases alone",
                             "相对仅靠购买履约的节省净现值"),
    "kpi.irr_vs_purchases": ("IRR against compliance by purchases alone",
                             "相对仅靠购买履约的内部收益率"),
    "kpi.payback_vs_purchases": ("Discounted payback against purchases alone",
                                 "相对仅靠购买履约的折现回收年份"),
    "kpi.no_irr": ("none: the cash flows never change sign", "无：现金流符号不变"),
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
    "term.group_roadmap": ("Group roadmap", "集团路线图"),
    "term.group_value": ("Planning jointly against each plant alone",
                         "集团统筹规划与各工厂单独规划的比较"),
    "term.group_alone_infeasible": ("alone: cannot meet its share", "单独规划：无法达到其份额"),
    "term.group_saved": ("NPV saved by planning jointly", "统筹规划节省的净现值"),
    "term.solving": ("solving", "求解中"),
    "term.compare": ("Scenarios compared", "情景比较"),
    "term.diff_note": ("bold yellow: differs from the first scenario",
                       "黄色粗体：与第一个情景不同"),
    "report.title": ("Decarbonisation plan", "脱碳规划"),
    # compare.xlsx and sweep.xlsx (planner/report/workbook.py)
    "compare.figure": ("Figure", "指标"),
    "compare.differs": ("Differs from the first", "与第一个情景不同"),
    "sheet.sweep_samples": ("Samples", "样本"),
    "sheet.sweep_summary": ("Summary", "统计摘要"),
    "sheet.sweep_tornado": ("Tornado", "龙卷风图"),
    "sheet.sweep_measure_frequency": ("Measure frequency", "措施选用频率"),
    "sheet.sweep_what_to_do_now": ("What to do now", "现在该做什么"),
    "sweep.metric_npv_cny": ("NPV of the plan's costs [CNY]", "规划总成本净现值 [CNY]"),
    "sweep.metric_capex_total_cny": ("Total capex [CNY]", "资本支出合计 [CNY]"),
    "sweep.metric_net_zero_year": ("Net-zero year", "净零年份"),
    "sweep.metric_credits_total_t": ("Credits bought [t CO2e]", "购买的碳信用 [t CO2e]"),
    "sweep.metric_regret_cny": ("Regret of the base plan [CNY]", "基准规划的后悔值 [CNY]"),
    "sweep.tornado_chart": ("NPV change against the base case [CNY]",
                            "相对基准情形的净现值变化 [CNY]"),
    # the report's sources section (planner/report/html.py)
    "sources.title": ("Sources of the shipped numbers used", "所用内置数据的来源"),
    "sources.note": ("Every number carbonpath supplied to this plan (emission factors from its "
                     "tables, the standard's thresholds), with its confidence mark and source; "
                     "details in docs/sources.md. Numbers given in the scenario are yours.",
                     "carbonpath 为本规划提供的每个数值（其表中的排放因子、标准的阈值），"
                     "附可信度标记和来源；详见 docs/sources.md。情景文件中给出的数值由您提供。"),
    "sources.what": ("What", "项目"),
    "sources.value": ("Value", "数值"),
    "sources.mark": ("Mark", "标记"),
    "sources.source": ("Source", "来源"),
    "mark.V": ("verified", "已核实"),
    "mark.S": ("secondary", "二手资料"),
    "mark.U": ("assumption", "假设"),
    "mark.C": ("convention", "约定"),
    # plan sweep (planner/report/sweep_terminal.py)
    "sweep.summary": ("Across successful samples", "成功样本的统计"),
    "sweep.metric": ("metric", "指标"),
    "sweep.mean": ("mean", "均值"),
    "sweep.sd": ("sd", "标准差"),
    "sweep.npv": ("NPV of the plan's costs", "规划总成本净现值"),
    "sweep.capex": ("Capex", "资本支出"),
    "sweep.net_zero_year": ("Net-zero year", "净零年份"),
    "sweep.credits": ("Credits bought", "购买的碳信用"),
    "sweep.regret": ("Regret of the base plan", "基准规划的后悔值"),
    "sweep.input": ("input", "输入"),
    "sweep.low": ("low", "低值"),
    "sweep.high": ("high", "高值"),
    "sweep.npv_low": ("NPV at low M¥", "低值时净现值 万元"),
    "sweep.npv_high": ("NPV at high M¥", "高值时净现值 万元"),
    "sweep.swing": ("swing M¥", "变动幅度 万元"),
    "sweep.now_title": ("What to do now: first-years decisions optimal in ≥ 50 % of samples",
                        "现在该做什么：在 ≥ 50 % 样本中最优的前几年决策"),
    "sweep.year": ("year", "年份"),
    "sweep.decision": ("decision", "决策"),
    "sweep.share": ("share", "样本占比"),
    "sweep.median_size": ("median size", "规模中位数"),
    "sweep.in_base_plan": ("in base plan", "是否在基准规划中"),
    "sweep.add_pv": ("add PV", "新增光伏"),
    "sweep.add_battery": ("add battery", "新增储能"),
    "sweep.yes": ("yes", "是"),
    "sweep.no": ("no", "否"),
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
    "plants_acting": ("Plants acting", "行动的工厂", ""),
    "capex_budget_cny": ("Group capex budget", "集团资本支出预算", "CNY"),
    "plant": ("Plant", "工厂", ""),
    "certificate_pool_mwh": ("Certificate pool", "绿证共享额度", "MWh"),
    "credit_pool_t": ("Credit pool", "碳信用共享额度", "t CO2e"),
    "removal_pool_t": ("Removal pool", "碳移除共享额度", "t CO2e"),
    "base_share": ("Share of base-year emissions", "占基准年排放比例", "-"),
    "npv_joint_cny": ("NPV, planned jointly", "统筹规划净现值", "CNY"),
    "npv_alone_cny": ("NPV, planned alone", "单独规划净现值", "CNY"),
    "alone_feasible": ("Feasible alone", "单独可行", ""),
    "npv_saved_cny": ("NPV saved jointly", "统筹节省净现值", "CNY"),
    "abated_joint_t": ("Abated (joint plan)", "减排量（统筹规划）", "t CO2e"),
    "scope2_location_t": ("Scope 2 location-based", "范围二排放（基于位置）", "t CO2"),
    "scope2_market_t": ("Scope 2 market-based", "范围二排放（基于市场）", "t CO2"),
    "certificates_mwh": ("Certificates", "绿证", "MWh"),
    "credits_t": ("Credits", "碳信用", "t CO2e"),
    "removals_t": ("Removals", "碳移除", "t CO2e"),
    "net_t": ("Net emissions", "净排放", "t CO2e"),
    "allowed_t": ("Allowed net", "允许净排放", "t CO2e"),
    "capex_cny": ("Capex", "资本支出", "CNY"),
    "opex_cny": ("Opex incl. energy", "运营支出（含能源）", "CNY"),
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
    "rule_source": ("Source", "来源", ""),  # of a standard's rule: a reference
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
    # positive when the lever pays: a saving, called so (with and without it, docs/reports.md)
    "npv_cny": ("NPV of its savings", "自身节省净现值", "CNY"),
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
    # carbon markets (issue 16): present only with [production], [ets], [cbam]
    "output": ("Output", "产量", "unit"),
    "intensity_t_per_unit": ("Carbon intensity (scopes 1+2)", "碳排放强度（范围一+二）",
                             "t CO2e/unit"),
    "ets_covered_t": ("ETS covered emissions", "碳市场覆盖排放", "t CO2e"),
    "ets_free_allocation_t": ("ETS free allocation", "免费配额", "t CO2e"),
    "ccer_t": ("CCER surrendered", "CCER抵销", "t CO2e"),
    "ets_bought_t": ("Allowances bought", "购买配额", "t CO2e"),
    "ets_sold_t": ("Allowances sold", "出售配额", "t CO2e"),
    "ets_cost_cny": ("ETS cost (net of sales)", "碳市场履约成本（扣除出售）", "CNY"),
    "exported_output": ("Output exported to the EU", "出口欧盟产量", "unit"),
    "cbam_intensity_t_per_unit": ("CBAM embedded intensity", "CBAM隐含排放强度", "t CO2e/unit"),
    "cbam_embedded_t": ("CBAM embedded emissions", "CBAM隐含排放", "t CO2e"),
    "cbam_free_t": ("CBAM free part", "CBAM免费部分", "t CO2e"),
    "cbam_chargeable_t": ("CBAM chargeable emissions", "CBAM应缴排放", "t CO2e"),
    "cbam_cost_cny": ("CBAM cost", "CBAM成本", "CNY"),
    "cbam_cost_cny_per_unit_exported": ("CBAM cost per unit exported", "每单位出口CBAM成本",
                                        "CNY/unit"),
    # green-power contracts: present only with [[green_power]]
    "green_power_mwh": ("Green power counted", "绿电（计入）", "MWh"),
    "green_power_paid_mwh": ("Green power paid", "绿电（结算）", "MWh"),
    "green_power_cny": ("Green-power premium", "绿电环境溢价", "CNY"),
    "ets_cny": ("ETS allowances", "碳配额", "CNY"),
    "ccer_cny": ("CCER", "CCER抵销费用", "CNY"),
    "cbam_cny": ("CBAM certificates", "CBAM证书", "CNY"),
    "ets_saved_cny": ("ETS cost saved", "节省的碳市场成本", "CNY"),
    "cbam_saved_cny": ("CBAM cost saved", "节省的CBAM成本", "CNY"),
    "loan_drawdown_cny": ("Loan drawn", "贷款提款", "CNY"),
    "loan_principal_cny": ("Loan principal repaid", "偿还本金", "CNY"),
    "loan_interest_cny": ("Loan interest", "贷款利息", "CNY"),
    "interest_tax_shield_cny": ("Interest tax shield", "利息抵税", "CNY"),
    "subsidy_cny": ("Subsidy", "补贴", "CNY"),
    "subsidy_tax_cny": ("Tax on subsidy", "补贴所得税", "CNY"),
    "tax_credit_cny": ("Special-equipment tax credit", "专用设备投资抵免", "CNY"),
    "depreciation_tax_shield_cny": ("Depreciation tax shield", "折旧抵税", "CNY"),
    "contract_payment_cny": ("Energy-performance contract payment", "合同能源管理分享款", "CNY"),
    "contract_tax_shield_cny": ("Contract payment tax shield", "分享款抵税", "CNY"),
    "generation_incentive_cny": ("PV generation incentive", "光伏发电补贴", "CNY"),
    "generation_incentive_tax_cny": ("Tax on PV incentive", "光伏补贴所得税", "CNY"),
    "salvage_after_tax_cny": ("Salvage after tax", "税后残值", "CNY"),
    "operating_cost_cny": ("Operating cost", "运营成本", "CNY"),
    "operating_tax_shield_cny": ("Operating cost tax shield", "运营成本抵税", "CNY"),
    "cash_cost_cny": ("Cash cost", "现金成本", "CNY"),
    "discounted_cash_cost_cny": ("Discounted cash cost", "折现现金成本", "CNY"),
    "price_index": ("Price level (base year = 1)", "价格指数（基年=1）", "-"),
    "cash_cost_nominal_cny": ("Cash cost, nominal", "名义现金成本", "CNY"),
    "discount_factor_nominal": ("Nominal discount factor", "名义折现系数", "-"),
    "taxable_profit_before_plan_cny": ("Taxable profit without the plan", "规划前应纳税所得额",
                                       "CNY"),
    "plan_deductions_cny": ("Plan's deductions", "规划带来的扣除额", "CNY"),
    "taxable_income_cny": ("Taxable income", "应纳税所得额", "CNY"),
    "loss_used_cny": ("Loss relief used", "弥补亏损", "CNY"),
    "loss_carried_cny": ("Loss carried forward", "结转亏损", "CNY"),
    "loss_expired_cny": ("Loss expired", "过期亏损", "CNY"),
    "tax_before_credit_cny": ("Tax before credit", "抵免前税额", "CNY"),
    "credit_earned_cny": ("Credit earned", "当年抵免额", "CNY"),
    "credit_used_cny": ("Credit used", "已用抵免额", "CNY"),
    "credit_carried_cny": ("Credit carried forward", "结转抵免额", "CNY"),
    "credit_expired_cny": ("Credit expired", "过期抵免额", "CNY"),
    "tax_paid_cny": ("Tax paid", "实缴税额", "CNY"),
    "tax_assumed_cny": ("Tax assumed by the optimisation", "优化假设税额", "CNY"),
    "carry_forward_cost_cny": ("Cost of carrying forward", "结转成本", "CNY"),
    # sweep.xlsx: a sweep column's own meaning where it differs from a plan's (sweep_<name>)
    "sweep_metric": ("Metric", "指标", ""),
    "sweep_count": ("Samples", "样本数", ""),
    "sweep_npv_cny": ("NPV of the plan's costs", "规划总成本净现值", "CNY"),
    "sweep_status": ("Status", "状态", ""),
    "sweep_measures": ("Measures built (id@year)", "建设的措施（编号@年份）", ""),
    "mean": ("Mean", "均值", ""),
    "sd": ("Standard deviation", "标准差", ""),
    "p5": ("5th percentile", "第 5 百分位", ""),
    "p50": ("Median", "中位数", ""),
    "p95": ("95th percentile", "第 95 百分位", ""),
    "min": ("Minimum", "最小值", ""),
    "max": ("Maximum", "最大值", ""),
    "sample_id": ("Sample", "样本", ""),
    "reason": ("Reason", "原因", ""),
    "capex_total_cny": ("Total capex", "资本支出合计", "CNY"),
    "net_zero_year": ("Net-zero year", "净零年份", ""),
    "credits_total_t": ("Credits bought", "购买的碳信用", "t CO2e"),
    "first_years_decisions": ("First years' decisions", "前几年的决策", ""),
    "regret_cny": ("Regret of the base plan", "基准规划的后悔值", "CNY"),
    "regret_note": ("Regret note", "后悔值说明", ""),
    "solve_s": ("Solve time", "求解时间", "s"),
    "cpu_s": ("CPU time", "CPU 时间", "s"),
    "warm_start": ("Warm start", "热启动", ""),
    "key": ("Input", "输入", ""),
    "level_low": ("Low level", "低值", ""),
    "level_high": ("High level", "高值", ""),
    "npv_low_cny": ("NPV at the low level", "低值时净现值", "CNY"),
    "npv_high_cny": ("NPV at the high level", "高值时净现值", "CNY"),
    "npv_base_cny": ("NPV of the base case", "基准情形净现值", "CNY"),
    "delta_low_cny": ("Change at the low level", "低值时的变化", "CNY"),
    "delta_high_cny": ("Change at the high level", "高值时的变化", "CNY"),
    "swing_cny": ("Swing", "变动幅度", "CNY"),
    "samples_chosen": ("Samples choosing it", "选用的样本数", ""),
    "share_chosen": ("Share of samples choosing it", "选用的样本比例", ""),
    "first_year_median": ("First build year, median", "首次建设年份中位数", ""),
    "first_year_min": ("First build year, earliest", "最早首次建设年份", ""),
    "first_year_max": ("First build year, latest", "最晚首次建设年份", ""),
    "first_year_most_common": ("First build year, most common", "最常见的首次建设年份", ""),
    "share_in_most_common_year": ("Share in the most common year", "最常见年份的比例", ""),
    "first_year_distribution": ("First build years (year:share)", "首次建设年份分布（年份:比例）",
                                ""),
    "base_first_year": ("First build year in the base plan", "基准规划中的首次建设年份", ""),
    "decision": ("Decision", "决策", ""),
    "share_of_samples": ("Share of samples", "样本比例", ""),
    "median_amount": ("Median size (kW, kWh; 1 for a measure)", "规模中位数（kW、kWh；措施为 1）",
                      ""),
    "p5_amount": ("Size, 5th percentile", "规模第 5 百分位", ""),
    "p95_amount": ("Size, 95th percentile", "规模第 95 百分位", ""),
    "in_base_plan": ("In the base plan", "是否在基准规划中", ""),
}


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """The language when ``--lang`` is not given: ``CARBONPATH_LANG`` (``en`` or ``zh``),
    else the locale (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``, as gettext reads
    them: ``zh_CN.UTF-8``, ``zh_TW``, ``zh`` give ``zh``), else ``en``.

    Raises
    ------
    ValueError
        For a ``CARBONPATH_LANG`` other than ``en`` or ``zh`` (a typo should not silently
        print English).
    """
    env = os.environ if environ is None else environ
    chosen = env.get("CARBONPATH_LANG", "").strip().lower()
    if chosen:
        if chosen not in LANGS:
            raise ValueError(f"CARBONPATH_LANG={chosen!r}: use one of {', '.join(LANGS)}")
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip()
        if value:  # the first one set decides, as in gettext
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


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


#: Sentences a user reads (warnings and their fixes), key -> (English, Chinese) templates
#: for :meth:`str.format`. Both templates of a key take the same fields
#: (tests/planner/test_i18n.py). A field may itself be a :class:`Msg`, rendered in the
#: same language first.
MESSAGES: dict[str, tuple[str, str]] = {
    # the CLI's frame around a warning
    "cli.warning": ("warning: {path}: {text}", "警告：{path}：{text}"),
    "cli.fix": ("Fix:", "修改建议："),
    "cli.error": ("error: {text}", "错误：{text}"),
    "cli.init_done": ("wrote {path}; edit it, then run `plan validate {path}` and `plan {path}`",
                      "已写入 {path}；请编辑后运行 `plan validate {path}` 和 `plan {path}`"),
    "cli.validate_ok": (
        'ok: {path} — "{name}", {base_year}-{end_year}, {n_measures} measures, '
        "base-year emissions {base_t:,.0f} t",
        "通过：{path} — “{name}”，{base_year}-{end_year}，{n_measures} 项措施，"
        "基准年排放 {base_t:,.0f} t"),
    # a standard's verdict per year (planner/analysis/verdicts.py)
    "verdict.line": ("{year} {name}: {state} — {parts}", "{year} {name}：{state} — {parts}"),
    "verdict.sep": ("; ", "；"),
    "verdict.met": ("met", "满足"),
    "verdict.not_met": ("NOT met", "未满足"),
    "verdict.fragment_not_met": (" NOT MET", "（未满足）"),
    "verdict.scopes": ("scope {scopes}", "范围 {scopes}"),
    "verdict.na": ("n/a", "不适用"),
    "verdict.net": ("net {scopes} = {v:,.0f} t (<= {t:,.0f} t)",
                    "{scopes} 净排放 = {v:,.0f} t（≤ {t:,.0f} t）"),
    "verdict.offsets": ("offsets {v} of base-year emissions (<= {t})",
                        "抵消量为基准年排放的 {v}（≤ {t}）"),
    "verdict.reduction": ("reduction {v} vs base year (>= {t})", "较基准年减排 {v}（≥ {t}）"),
    "verdict.renewable": ("renewable electricity {v} (>= {t})", "可再生电力占比 {v}（≥ {t}）"),
    "verdict.gross_flat": ("gross emissions not above the year before", "总排放不高于上一年"),
    "verdict.gross": ("gross {v:+,.0f} t vs the year before (<= 0)",
                      "总排放较上一年变化 {v:+,.0f} t（≤ 0）"),
    # the report's executive summary, action plan and assumptions (planner/report/html.py)
    "report.summary_title": ("Executive summary", "执行摘要"),
    "report.approve_now": ("Approve now, for {year}: {items}, {capex} of capex.",
                           "现在批准（{year} 年）：{items}，资本支出 {capex}。"),
    "report.nothing_now": ("Nothing needs approving for {year}.", "{year} 年无需批准任何投资。"),
    "report.costs_saves": ("Over {start}-{end} the plan's costs have an NPV of {npv_plan}, "
                           "against {npv_bau} for business as usual: it saves {savings} in "
                           "present value (IRR {irr}, discounted payback in {payback}), with "
                           "{capex_total} of capex in all.",
                           "{start}-{end} 年间，规划总成本净现值为 {npv_plan}，基准情景为 "
                           "{npv_bau}：现值节省 {savings}（内部收益率 {irr}，折现回收年份 "
                           "{payback}），资本支出合计 {capex_total}。"),
    "report.vs_purchases": ("Against complying by purchases alone (NPV {npv_purchases}) the "
                            "investments save {savings} in present value (IRR {irr}, "
                            "discounted payback in {payback}).",
                            "相对仅靠购买履约（净现值 {npv_purchases}），投资的现值节省为 "
                            "{savings}（内部收益率 {irr}，折现回收年份 {payback}）。"),
    "report.net_zero_in": ("Net zero is reached in {year} (target {target}).",
                           "{year} 年实现净零（目标 {target} 年）。"),
    "report.net_zero_never": ("Net zero is not reached within the horizon (target {target}).",
                              "规划期内未实现净零（目标 {target} 年）。"),
    "report.claim_from": ("{standard}: the claim can be made from {year}.",
                          "{standard}：自 {year} 年起可作声明。"),
    "report.claim_never": ("{standard}: the claim cannot be made within the horizon.",
                           "{standard}：规划期内无法作出声明。"),
    "report.action_plan": ("Year-by-year action plan", "逐年行动计划"),
    "report.action_what": ("What is built", "建设内容"),
    "report.action_capex": ("Capex [M¥]", "资本支出 [万元]"),
    "report.action_abated": ("Abated that year vs BAU [t CO2e]", "当年相对基准减排量 [t CO2e]"),
    "report.assumptions": ("Assumptions", "假设"),
    "report.pv_added": ("PV +{kw:,.0f} kW", "光伏 +{kw:,.0f} kW"),
    "report.battery_added": ("battery +{kwh:,.0f} kWh", "储能 +{kwh:,.0f} kWh"),
    # terminal summary
    "status.optimal": ("optimal", "最优"),
    "status.time limit (feasible, not proven optimal)": (
        "time limit (feasible, not proven optimal)", "达到时间上限（可行，未证明最优）"),
    "status.iteration limit (feasible, not proven optimal)": (
        "iteration limit (feasible, not proven optimal)", "达到迭代上限（可行，未证明最优）"),
    "status.work limit (feasible, not proven optimal)": (
        "work limit (feasible, not proven optimal)", "达到计算量上限（可行，未证明最优）"),
    "status.infeasible": ("infeasible", "不可行"),
    "status.unbounded": ("unbounded", "无界"),
    "status.no solution found": ("no solution found", "未找到解"),
    "status.numerical trouble": ("numerical trouble", "数值问题"),
    "term.lcoa_defined": ("Levelised abatement cost = (NPV of the plan's costs - NPV of "
                          "business-as-usual costs) / tonnes abated, discounted at the same "
                          "rate; negative: the plan saves money on each tonne.",
                          "平准化减排成本 =（规划总成本净现值 - 基准情景总成本净现值）/ 按同一"
                          "折现率折现的减排量；为负值表示每减排一吨都在节省费用。"),
    "term.share_of": ("({part:,.0f} t of {whole:,.0f} t)", "（{whole:,.0f} t 中的 {part:,.0f} t）"),
    "term.solver_line": ("{status}; gap {gap}; {iterations} iterations, {cuts} cuts, "
                         "{seconds:.1f} s",
                         "{status}；间隙 {gap}；{iterations} 次迭代，{cuts} 条割平面，"
                         "{seconds:.1f} 秒"),
    "term.pathways_total": ("share of {total:,.0f} t abated against business as usual",
                            "占相对基准减排量 {total:,.0f} t 的比例"),
    # plan compare: one progress line per scenario
    "compare.waiting": ("{name}: waiting", "{name}：等待中"),
    "compare.solving": ("{name}: solving", "{name}：求解中"),
    "compare.done": ("{name}: done", "{name}：完成"),
    # key figures: scope 2 both ways in one year (planner/report/keyfigures.py)
    "kpi.scope2_location": ("Scope 2 location-based in {year}", "{year}年范围二排放（基于位置）"),
    "kpi.certificates": ("Green certificates bought in {year}", "{year}年购买的绿证"),
    "kpi.scope2_market": ("Scope 2 market-based in {year}", "{year}年范围二排放（基于市场）"),
    "kpi.target_basis": (" (the target's basis)", "（目标口径）"),
    # plan sweep
    "sweep.head": ("[bold]Sweep — {name}[/]: {n} samples, {solved} solved, {failed} failed; "
                   "{scheduler}; {seconds:.1f} s",
                   "[bold]情景扫描 — {name}[/]：{n} 个样本，{solved} 个已求解，{failed} 个失败；"
                   "{scheduler}；{seconds:.1f} 秒"),
    "sweep.base_npv": ("Base case: NPV of the plan's costs {npv}",
                       "基准情形：规划总成本净现值 {npv}"),
    "sweep.base_failed": ("[red]Base case failed[/]: {reason}", "[red]基准情形失败[/]：{reason}"),
    "sweep.failed": ("Failed samples: {counts} (reasons in samples.csv)",
                     "失败的样本：{counts}（原因见 samples.csv）"),
    "sweep.no_effect": ("[yellow]No effect on the NPV[/] between its low and high level: {keys} "
                        "(e.g. a carbon price the plant does not pay: carbon.covered = false)",
                        "[yellow]对净现值没有影响[/]（在其低值与高值之间）：{keys}"
                        "（例如工厂不支付的碳价：carbon.covered = false）"),
    "sweep.tornado_title": ("Tornado: NPV sensitivity (top {n})",
                            "龙卷风图：净现值敏感性（前 {n} 项）"),
    "sweep.build": ("build {item}", "建设 {item}"),
    # progress on a terminal (plan run)
    "progress.reading": ("reading the scenario…", "读取情景文件…"),
    "progress.inputs": ("building hourly inputs (load, PV profile, tariffs)…",
                        "生成逐时输入（负荷、光伏出力曲线、电价）…"),
    "progress.solving": ("solving…", "求解中…"),
    "progress.iteration": ("solving: {phase} iteration {n}, lower bound {bound}, "
                           "{cuts} cuts added, largest cut violation {violation:,.0f} CNY, "
                           "{elapsed:.0f} s",
                           "求解中：{phase} 第 {n} 次迭代，下界 {bound}，新增 {cuts} "
                           "条割平面，最大违反量 {violation:,.0f} 元，已用 {elapsed:.0f} 秒"),
    "progress.diagnosing": ("no feasible plan: finding the least change that makes one…",
                            "无可行规划：正在寻找使其可行的最小改动…"),
    "progress.accounts": ("computing the accounts, finance and verdicts…",
                          "计算账目、财务指标与标准判定…"),
    "progress.writing": ("writing the results…", "写入结果文件…"),
    # plausibility warnings (planner/scenario/plausibility.py)
    "warn.implausible": ("implausible value {value:.4g} {unit}: {lo:g}-{hi:g} {unit} is usual "
                         "({source})",
                         "数值 {value:.4g} {unit} 不合常理：通常为 {lo:g}-{hi:g} {unit}"
                         "（{source}）"),
    "unit.fuel_per_electricity": ("GJ of fuel per MWh of electricity", "GJ 燃料/MWh 电力"),
    "unit.pv_yield": ("kWh/kWp a year", "kWh/kWp/年"),
    "src.grid_price": ("valley 0.29 to peak 1.49 in Chinese provinces",
                       "我国各省谷段 0.29 至峰段 1.49"),
    "src.export_price": ("coal benchmark 0.30-0.45", "燃煤基准价 0.30-0.45"),
    "src.grid_ef": ("provinces 0.11-0.79, fossil-only 0.83", "各省 0.11-0.79，纯化石电源 0.83"),
    "src.fuel_price": ("coal 45, natural gas 90, diesel about 220",
                       "煤 45，天然气 90，柴油约 220"),
    "src.pv_capex": ("rooftop turnkey 2.8-3.5 CNY/W in 2024-25, 5.8 in 2017",
                     "屋顶光伏总包价 2024-25 年 2.8-3.5 元/W，2017 年 5.8 元/W"),
    "src.battery_capex": ("utility tenders 0.37-0.79 CNY/Wh in 2025, C&I 1.7 in 2023",
                          "2025 年电网侧招标 0.37-0.79 元/Wh，2023 年工商业 1.7 元/Wh"),
    "src.fuel_ratio": ("food plant on coal steam about 11, cement about 33",
                       "燃煤蒸汽的食品厂约 11，水泥厂约 33"),
    "src.pv_yield": ("Sichuan basin 750-900, eastern plants 903-1 090",
                     "四川盆地 750-900，东部工厂 903-1 090"),
    "per.nm3": ("Nm3", "Nm3"),
    "per.kg_l_nm3": ("kg, L or Nm3", "kg、L 或 Nm3"),
    "fix.default": ("check the value and its unit; --strict makes this an error",
                    "请核对数值及其单位；加 --strict 时此项为错误"),
    "fix.grid_price_low": ("{v:g} looks like CNY/Wh or a price without taxes and grid fees; "
                           "give the price per kWh paid at the meter",
                           "{v:g} 像是 元/Wh，或不含税费和输配电费的电价；请填写电表处实际支付的"
                           "每 kWh 电价"),
    "fix.grid_price_high": ("check the value: even critical-peak prices stay below 3 CNY/kWh",
                            "请核对数值：即使尖峰电价也低于 3 元/kWh"),
    "fix.per_mwh": ("{v:g} looks like CNY/MWh; write {x:g}", "{v:g} 像是 元/MWh；应填写 {x:g}"),
    "fix.per_mw": ("{v:g} looks like CNY/MW; write {x:g}", "{v:g} 像是 元/MW；应填写 {x:g}"),
    "fix.per_w": ("{v:g} looks like CNY/W; write {x:g}", "{v:g} 像是 元/W；应填写 {x:g}"),
    "fix.per_wh": ("{v:g} looks like CNY/Wh; write {x:g}", "{v:g} 像是 元/Wh；应填写 {x:g}"),
    "fix.ef_kg": ("{v:g} looks like kg/MWh or g/kWh; write {x:g}",
                  "{v:g} 像是 kg/MWh 或 g/kWh；应填写 {x:g}"),
    "fix.ef_high": ("check the value: even a coal plant emits about 1 t/MWh",
                    "请核对数值：即使燃煤电厂的排放也只约 1 t/MWh"),
    "fix.fuel_price_low": ("{v:g} looks like a price per {per}; 3.5 CNY/Nm3 of natural gas "
                           "= 3.5 / 0.0389 = 90 CNY/GJ",
                           "{v:g} 像是每 {per} 的价格；天然气 3.5 元/Nm3 = 3.5 / 0.0389 "
                           "= 90 元/GJ"),
    "fix.fuel_price_high": ("{v:g} looks like a price per tonne or per 10^4 Nm3; 1 050 CNY/t "
                            "of coal = 1 050 / 23.2 = 45 CNY/GJ",
                            "{v:g} 像是每吨或每万 Nm3 的价格；煤 1 050 元/t = 1 050 / 23.2 "
                            "= 45 元/GJ"),
    "fix.gas_nm3": ("if natural gas was given in Nm3, divide it by 25.7 (1 Nm3 = 0.0389 GJ): "
                    "demand.fuels_gj.natural_gas = {x:.0f}",
                    "若天然气按 Nm3 填写，请除以 25.7（1 Nm3 = 0.0389 GJ）："
                    "demand.fuels_gj.natural_gas = {x:.0f}"),
    "fix.fuel_unit": ("check the unit: fuels are in GJ a year (1 t of coal = 23 GJ)",
                      "请核对单位：燃料以每年 GJ 计（1 t 煤 = 23 GJ）"),
    "fix.pv_per_day": ("{v:g} looks like kWh/kWp per day; a year is about 365 times that",
                       "{v:g} 像是每天的 kWh/kWp；全年约为其 365 倍"),
    "fix.pv_site": ("check the site and the PV profile", "请核对厂址和光伏出力曲线"),
    "fix.pv_high": ("check the value: even western China gives under 2 000 kWh/kWp",
                    "请核对数值：即使在中国西部也低于 2 000 kWh/kWp"),
}


@dataclass(frozen=True)
class Msg:
    """A sentence kept as its catalogue key and fields, rendered in either language.

    Attributes
    ----------
    key : str
        Key of :data:`MESSAGES` (or of :data:`LABELS` for a sentence without fields).
    fields : tuple of (str, object)
        The template's fields; a field that is a :class:`Msg` is rendered first.
    """

    key: str
    fields: tuple[tuple[str, Any], ...] = ()

    def render(self, lang: str = "en") -> str:
        """The sentence in ``lang``; a key missing from the catalogue raises KeyError."""
        i = _check(lang)
        template = MESSAGES[self.key][i] if self.key in MESSAGES else LABELS[self.key][i]
        values = {k: v.render(lang) if isinstance(v, Msg) else v for k, v in self.fields}
        return template.format(**values)


def msg(key: str, **fields: Any) -> Msg:
    """A :class:`Msg`; the key is checked now so that a missing entry fails where it is made.

    Raises
    ------
    KeyError
        For a key in neither :data:`MESSAGES` nor :data:`LABELS`.
    """
    if key not in MESSAGES and key not in LABELS:
        raise KeyError(f"{key!r} is not in planner/base/i18n.py MESSAGES: add it in both languages")
    return Msg(key, tuple(fields.items()))
