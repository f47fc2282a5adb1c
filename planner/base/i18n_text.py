# ruff: noqa: E501  (a catalogue: Chinese characters count twice, kept one entry a line)
"""Chinese for the sentences built in English where they arise: errors, diagnoses, notes.

Errors, infeasibility diagnoses and the assumptions a run relied on are written in English
where the problem is found (:class:`~planner.base.errors.Problem`, the diagnosis,
``PlanInputs.notes``); they travel as text through pickling (sweep and compare workers)
and ``summary.json``. Their Chinese is looked up here when they are shown, as gettext
does: the English template is the message id, e.g. ``"unknown fuel '{name}'"`` ->
``"未知燃料 '{name}'"``. :func:`translate` matches a rendered sentence against the
templates (fields match any text, the template with the most fixed text wins), translates
each field that is itself a catalogue sentence, and fills the Chinese template.

A sentence without an entry stays English; ``tests/planner/test_i18n_text.py`` fails for
every literal sentence in the code that has none, and renders the whole bad-input corpus
in Chinese. Key paths, file names, ids and quoted values are names, kept as written.
"""

from __future__ import annotations

import re
import string
from functools import cache

from planner.base.i18n import MESSAGES

__all__ = ["PDF_INSTALL_HINT", "SENTENCES", "has_translation", "translate", "translate_lines"]

#: English template -> Chinese template. ``{field}`` matches any text; ``{{``/``}}`` are
#: literal braces (str.format syntax). Both templates have the same fields.
#: The fix of a ``--pdf`` that cannot print, in both languages (shown by planner/report/pdf.py).
PDF_INSTALL_HINT = ("install Chromium (Debian/Ubuntu: `apt install chromium`; macOS/Windows: "
                    "Google Chrome) or set CARBONPATH_CHROMIUM to the browser's path; or "
                    "leave out --pdf and print report.html from a browser")
_PDF_INSTALL_HINT_ZH = ("请安装 Chromium（Debian/Ubuntu：`apt install chromium`；macOS/Windows："
                        "Google Chrome）或将 CARBONPATH_CHROMIUM 设为浏览器路径；"
                        "也可以不加 --pdf，在浏览器中打印 report.html")

SENTENCES: dict[str, str] = {
    # ---------------------------------------------------------------- the frame
    "{file}: {n} problem in the scenario": "{file}：情景文件中有 {n} 个问题",
    "{file}: {n} problems in the scenario": "{file}：情景文件中有 {n} 个问题",
    "interrupted; nothing written": "已中断；未写入任何文件",
    "terminated (SIGTERM); nothing written": "已终止（SIGTERM）；未写入任何文件",
    "{text}. Fix: {fix}.": "{text}。修改建议：{fix}。",
    "{text}. Fix: {fix}": "{text}。修改建议：{fix}",
    # ---------------------------------------------------------------- money (issue 15)
    "a {years}-year lease of an asset that lasts {life} years":
        "租期 {years} 年，但资产寿命只有 {life} 年",
    "make lease.years at most lifetime_years": "将 lease.years 设为不超过 lifetime_years",
    "the lessor owns a leased asset, so the plant gets no {what} on it":
        "租赁资产归出租方所有，工厂不能就其享受 {what}",
    "remove {what} from it, or the lease": "删除其 {what}，或取消租赁",
    "no proven optimum for the fixed plan ({status})": "固定方案未得到已证明的最优解（{status}）",
    # ---------------------------------------------------------------- green power (issue 16)
    "give every green-power contract its own id": "为每份绿电合同设置不同的编号",
    "a least volume applies to take-or-pay contracts only (an as-consumed contract pays for "
    "what is used)": "最低电量只适用于照付不议合同（按用量合同只为实际使用的电量付费）",
    'set shape = "take_or_pay", or remove min_mwh_per_year':
        '设置 shape = "take_or_pay"，或删除 min_mwh_per_year',
    "{least} MWh/yr is above the availability {cap} MWh/yr in a year of the term":
        "{least} MWh/年 高于合同期内某年的可供电量 {cap} MWh/年",
    "lower min_mwh_per_year, or raise max_mwh_per_year":
        "降低 min_mwh_per_year，或提高 max_mwh_per_year",
    "green-power contract '{id}' at its maximum in {years}": "绿电合同 '{id}' 在 {years} 达到上限",
    # ---------------------------------------------------------------- group files (issue 17)
    "no group plan found (HiGHS status {status}); raise solver.time_limit_s in the group file":
        "未找到集团方案（HiGHS 状态 {status}）；请在集团文件中提高 solver.time_limit_s",
    "no group plan meets the group's target, budget and pools with the plants' levers":
        "在各工厂的减排手段下，没有任何集团方案能满足集团的目标、预算和共享额度",
    "check the path of the group file": "请检查集团文件的路径",
    "is larger than 1 MiB": "大于 1 MiB",
    "a group file only lists plant files and a few keys": "集团文件只需列出工厂文件和少数几个键",
    "'group' is the name of the group's own output folder": "'group' 是集团自身输出文件夹的名称",
    'give the plant another `name = "..."`': '请为该工厂另设 `name = "..."`',
    "'{name}' is already the name of plant[{n}]": "'{name}' 已是 plant[{n}] 的名称",
    'give each plant its own `name = "..."`': '请为每个工厂设置不同的 `name = "..."`',
    "runs {a}-{b} while plant[1] ({file}) runs {c}-{d}; the plants of a group share one horizon":
        "规划期为 {a}-{b}，而 plant[1]（{file}）为 {c}-{d}；同一集团的工厂须使用相同的规划期",
    "give every plant file the same scenario.base_year and scenario.end_year":
        "请让所有工厂文件的 scenario.base_year 和 scenario.end_year 相同",
    "{year} is not after the plants' base year {base}": "{year} 不晚于各工厂的基准年 {base}",
    "choose a later year": "请选择更晚的年份",
    "is not UTF-8 text": "不是 UTF-8 文本",
    "fix the syntax at that line": "请修正该行的语法",
    # ---------------------------------------------------------------- plan --pdf
    "--pdf needs a Chromium or Chrome browser and none was found; " + PDF_INSTALL_HINT:
        "--pdf 需要 Chromium 或 Chrome 浏览器，但未找到；" + _PDF_INSTALL_HINT_ZH,
    "--pdf: CARBONPATH_CHROMIUM={path} is not an executable file; " + PDF_INSTALL_HINT:
        "--pdf：CARBONPATH_CHROMIUM={path} 不是可执行文件；" + _PDF_INSTALL_HINT_ZH,
    "install Chromium (Debian/Ubuntu: `apt install chromium`; macOS/Windows: Google Chrome) or "
    "set CARBONPATH_CHROMIUM to the browser's path; or leave out --pdf and print report.html "
    "from a browser":
        "请安装 Chromium（Debian/Ubuntu：`apt install chromium`；macOS/Windows：Google Chrome）"
        "或将 CARBONPATH_CHROMIUM 设为浏览器路径；也可以不加 --pdf，在浏览器中打印 report.html",
    "--pdf: {prog} did not finish printing within {s} s; print report.html from a browser "
    "instead": "--pdf：{prog} 在 {s} 秒内未完成打印；请在浏览器中打印 report.html",
    "--pdf: {prog} wrote no PDF (exit {code}: {detail}); print report.html from a browser "
    "instead": "--pdf：{prog} 未生成 PDF（退出码 {code}：{detail}）；请在浏览器中打印 report.html",
    "--pdf writes report.pdf into the --out folder: add --out DIR":
        "--pdf 将 report.pdf 写入 --out 文件夹：请加上 --out DIR",
    # ---------------------------------------------------------------- reading the file
    "file not found": "文件不存在",
    "check the path, or create one with `plan init FILE`":
        "请检查路径，或用 `plan init FILE` 新建一个",
    "is a directory, not a scenario file": "是文件夹，不是情景文件",
    "give the path of a .toml file": "请给出 .toml 文件的路径",
    "cannot be read ({reason})": "无法读取（{reason}）",
    "check the file's permissions": "请检查文件权限",
    "is not UTF-8 text (bad byte at line {line})": "不是 UTF-8 文本（第 {line} 行有无效字节）",
    "save the file as UTF-8": "请将文件另存为 UTF-8 编码",
    "is empty": "是空文件",
    "start from a template: `plan init FILE`": "请从模板开始：`plan init FILE`",
    "is not valid TOML: {detail}": "不是有效的 TOML：{detail}",
    "fix the syntax at that line (quotes around text, `key = value`, one [table] header "
    "per table)": "请修正该行的语法（文本加引号，`key = value`，每个表一个 [table] 表头）",
    "tables or arrays are nested {depth} deep; a scenario needs at most 5 and {limit} are "
    "accepted": "表或数组嵌套了 {depth}；情景文件最多需要 5 层，允许 {limit} 层",
    "{n} levels": "{n} 层",
    "hundreds of levels": "数百层",
    "remove the extra brackets (e.g. [[[[1]]]] -> 1)": "请删除多余的括号（如 [[[[1]]]] -> 1）",
    "is {kind}, not a regular file": "是{kind}，不是普通文件",
    "save the {what} as a file and give its path": "请将{what}保存为文件并给出其路径",
    "is larger than {limit}, the limit for a {what} file": "大于 {limit}，即{what}文件的上限",
    "scenario": "情景",
    "hourly CSV": "逐时 CSV",
    "standard profile": "标准配置",
    "a directory": "文件夹",
    "a device": "设备文件",
    "a FIFO": "命名管道（FIFO）",
    "a socket": "套接字",
    # ---------------------------------------------------------------- schema
    "unknown key": "未知的键",
    "did you mean '{name}'?": "是否应为 '{name}'？",
    "{hint} (or give profile_csv)": "{hint}（或给出 profile_csv）",
    "remove it": "请删除它",
    "remove it; valid keys here: {keys}": "请删除它；此处有效的键：{keys}",
    "required key is missing": "缺少必需的键",
    "add `{key} = ...`": "请添加 `{key} = ...`",
    "expected {expected}, found {found}": "应为{expected}，实际为 {found}",
    "write {expected}": "请填写{expected}",
    "a number": "数字",
    "a whole number": "整数",
    "true or false": " true 或 false",
    "text in quotes": "带引号的文本",
    "a list [...]": "列表 [...]",
    "a table": "表",
    "a list": "列表",
    "text '{text}'": "文本 '{text}'",
    "{found} is not allowed": "不允许使用 {found}",
    "use one of {allowed}": "请使用以下之一：{allowed}",
    "use one of: {allowed}": "请使用以下之一：{allowed}",
    "input should be greater than {n}, found {found}": "输入应大于 {n}，实际为 {found}",
    "input should be greater than or equal to {n}, found {found}":
        "输入应大于或等于 {n}，实际为 {found}",
    "input should be less than {n}, found {found}": "输入应小于 {n}，实际为 {found}",
    "input should be less than or equal to {n}, found {found}":
        "输入应小于或等于 {n}，实际为 {found}",
    "change the value": "请修改该数值",
    "must not be empty": "不能为空",
    "give a value": "请给出一个值",
    "correct the value": "请更正该数值",
    "expected a number, found true/false": "应为数字，实际为 true/false",
    "expected a finite number, found {found}": "应为有限数值，实际为 {found}",
    "expected a number or a table of years like {{2025 = 1.0, 2030 = 0.8}}, found {found}":
        "应为数字或按年份的表（如 {{2025 = 1.0, 2030 = 0.8}}），实际为 {found}",
    "expected a number or a table of years, found an empty table":
        "应为数字或按年份的表，实际为空表",
    "{what} must be >= 0, found {found}": "{what}必须 >= 0，实际为 {found}",
    "value": "数值",
    "value for {year}": "{year} 年的数值",
    "contains the invisible control character U+{code}; retype the text without it":
        "含有不可见控制字符 U+{code}；请重新输入文本，不要包含它",
    "contains the invisible character U+{code}; retype the id without it":
        "含有不可见字符 U+{code}；请重新输入编号，不要包含它",
    "year {year} is outside 1990-2200 (a typo?)": "年份 {year} 不在 1990-2200 之内（笔误？）",
    "value for {year} must be a number, found {found}": "{year} 年的数值必须是数字，实际为 {found}",
    "key '{key}' is not a year (write e.g. 2030 = 1.0)": "键 '{key}' 不是年份（请写成如 2030 = 1.0）",
    # ---------------------------------------------------------------- consistency
    "file not found: {path}": "文件不存在：{path}",
    "give a path relative to the scenario file": "请给出相对于情景文件的路径",
    "end year {end} is not after the base year {base}": "结束年份 {end} 不晚于基准年 {base}",
    "set end_year later than base_year": "请将 end_year 设为晚于 base_year",
    "horizon {start}-{end} has {n} years, more than {limit}":
        "规划期 {start}-{end} 共 {n} 年，超过 {limit} 年",
    "plan over at most {n} years (end_year <= {end})": "规划期最多 {n} 年（end_year <= {end}）",
    "net-zero year {year} is before the base year {base}": "净零年份 {year} 早于基准年 {base}",
    "choose a year within the horizon": "请选择规划期内的年份",
    "net-zero year {year} is after the end year {end}": "净零年份 {year} 晚于结束年份 {end}",
    "set scenario.end_year to at least {year}": "请将 scenario.end_year 设为不早于 {year}",
    'trajectory = "table" needs the table': 'trajectory = "table" 需要给出该表',
    "add allowed_share = {{2030 = 0.7, 2040 = 0.3}} (share of base-year emissions allowed in "
    "each year)": "请添加 allowed_share = {{2030 = 0.7, 2040 = 0.3}}（各年允许的排放占基准年排放的比例）",
    'a table is given but trajectory is "linear"': '给出了表，但 trajectory 为 "linear"',
    'set trajectory = "table" or remove allowed_share':
        '请设置 trajectory = "table"，或删除 allowed_share',
    "year {year} is outside the horizon {start}-{end}": "年份 {year} 不在规划期 {start}-{end} 之内",
    "use a year within the horizon": "请使用规划期内的年份",
    "use years within the horizon": "请使用规划期内的年份",
    "unknown load profile '{name}'": "未知的负荷曲线 '{name}'",
    "required when no profile_csv is given": "未给出 profile_csv 时必需",
    "give the plant's yearly electricity use in MWh": "请给出工厂每年的用电量（MWh）",
    "unknown gas '{name}'": "未知气体 '{name}'",
    "choose another gwp_set in [scenario]": "请在 [scenario] 中选择其他 gwp_set",
    "use a gas of the GWP table (docs/factors.md)": "请使用 GWP 表中的气体（docs/factors.md）",
    "unknown fuel '{name}'": "未知燃料 '{name}'",
    "fuel '{name}' has no price": "燃料 '{name}' 没有价格",
    "add [fuels.{name}] with price_cny_per_gj = ...": "请添加 [fuels.{name}] 并给出 price_cny_per_gj = ...",
    'basis "{basis}" needs a demand charge': '计费方式 "{basis}" 需要需量电价',
    'give demand_cny_per_kw_month (e.g. 36.1 for Guangdong 1-10 kV), or set basis = '
    '"capacity"': '请给出 demand_cny_per_kw_month（如广东 1-10 kV 为 36.1），或设置 basis = "capacity"',
    'basis "{basis}" needs a capacity charge': '计费方式 "{basis}" 需要容量电价',
    'give capacity_cny_per_kva_month (e.g. 22.6 for Guangdong 1-10 kV), or set basis = '
    '"demand"': '请给出 capacity_cny_per_kva_month（如广东 1-10 kV 为 22.6），或设置 basis = "demand"',
    'basis "{basis}" needs the transformer capacity': '计费方式 "{basis}" 需要变压器容量',
    "give transformer_kva (the kVA the capacity charge is billed on)":
        "请给出 transformer_kva（容量电费按此 kVA 计收）",
    "a contract demand only applies to the demand basis": "合同需量只适用于按需量计费",
    'set basis = "demand" or "cheaper", or drop the key':
        '请设置 basis = "demand" 或 "cheaper"，或删除该键',
    "{kw} kW is below 40 % of the transformer ({min_kw} kW for {kva} kVA); the grid bills "
    "such a contract at 40 %": "{kw} kW 低于变压器容量的 40 %（{kva} kVA 对应 {min_kw} kW）；"
    "电网按 40 % 计收此类合同",
    "set contract_demand_kw >= {kw}": "请设置 contract_demand_kw >= {kw}",
    "given without contract_demand_kw": "给出了该键但没有 contract_demand_kw",
    "give contract_demand_kw, or drop the key": "请给出 contract_demand_kw，或删除该键",
    "unknown preset '{name}'": "未知预设 '{name}'",
    "both tou_preset and periods are given": "同时给出了 tou_preset 和 periods",
    "keep one of them": "请只保留其中之一",
    "no hours given": "未给出小时",
    "list the hours of day, e.g. hours = [10, 11, 15]": "请列出一天中的小时，如 hours = [10, 11, 15]",
    "no component floats, so the time-of-use schedule would have no effect":
        "没有随时段浮动的电价分量，分时电价将不起作用",
    'list at least "energy", or drop the key to use the preset\'s rule':
        '请至少列出 "energy"，或删除该键以使用预设的规则',
    "'{name}' is listed {n} times": "'{name}' 被列出了 {n} 次",
    "list each component once": "每个分量只列一次",
    "no grid emission factor and no region": "既没有电网排放因子也没有地区",
    "give ef_t_per_mwh, or grid.region / site.province to use the shipped MEE table":
        "请给出 ef_t_per_mwh，或给出 grid.region / site.province 以使用内置的生态环境部排放因子表",
    "unknown region '{name}'": "未知地区 '{name}'",
    "see docs/factors.md for the regions": "地区列表见 docs/factors.md",
    "{side}_month is given without {side2}_year": "给出了 {side}_month 但没有 {side2}_year",
    "add {side}_year, e.g. {side2}_year = 2026": "请添加 {side}_year，如 {side2}_year = 2026",
    "the period ends ({end}) before it starts ({start})": "该时段的结束（{end}）早于开始（{start}）",
    "until_year/until_month is the last month in force; make it not earlier than "
    "from_year/from_month": "until_year/until_month 是生效的最后一个月；请使其不早于 from_year/from_month",
    "id '{id}' is used by {n} measures": "编号 '{id}' 被 {n} 项措施使用",
    "give every measure its own id (ids are compared after Unicode NFC normalisation)":
        "请给每项措施一个独立的编号（编号按 Unicode NFC 规范化后比较）",
    "latest_year is before earliest_year": "latest_year 早于 earliest_year",
    "swap or correct them": "请交换或更正二者",
    "the measure has no effect": "该措施没有任何效果",
    "give at least one of electricity_saving_share, fuel_saving_share, switch, "
    "gas_cut_share, process_co2_cut_share": "请至少给出 electricity_saving_share、"
    "fuel_saving_share、switch、gas_cut_share、process_co2_cut_share 之一",
    "the plant uses no '{name}'": "工厂不使用 '{name}'",
    "unknown profile '{name}'": "未知曲线 '{name}'",
    "the plant emits no '{name}'": "工厂不排放 '{name}'",
    "the plant has no process CO2": "工厂没有工艺过程 CO2 排放",
    "set process.co2_t or remove the share": "请设置 process.co2_t，或删除该比例",
    "no limit on PV capacity": "光伏装机没有上限",
    "give pv.max_kw or site.roof_area_m2": "请给出 pv.max_kw 或 site.roof_area_m2",
    "min_duration_h exceeds max_duration_h": "min_duration_h 大于 max_duration_h",
    "make min_duration_h <= max_duration_h": "请使 min_duration_h <= max_duration_h",
    "id '{id}' is used twice": "编号 '{id}' 被使用了两次",
    "give every {what} its own id (ids are compared after Unicode NFC normalisation)":
        "请给每个{what}一个独立的编号（编号按 Unicode NFC 规范化后比较）",
    "credit": "碳信用",
    "removal": "碳移除",
    "an exclusive group needs at least two measures": "互斥组至少需要两项措施",
    "list two or more measure ids, or remove the group": "请列出两个或更多措施编号，或删除该组",
    "no measure has the id '{id}'": "没有编号为 '{id}' 的措施",
    "measure '{id}' is already in group '{group}'": "措施 '{id}' 已在组 '{group}' 中",
    "put a measure in one group only": "一项措施只能放在一个组中",
    "group '{group}' has no other measure": "组 '{group}' 没有其他措施",
    "[{table}] needs the plant's output, but there is no [production] table":
        "[{table}] 需要工厂产量，但没有 [production] 表",
    'add [production] with base_output = <output in the base year> and unit = "t" (or '
    '"unit")': '请添加 [production]，给出 base_output = <基准年产量> 和 unit = "t"（或 "unit"）',
    "the plant would pay for its direct emissions twice: [carbon] covers scope1 and [ets] "
    "prices the same tonnes": "工厂将为直接排放付费两次：[carbon] 覆盖范围一，[ets] 又对同样的吨数计价",
    'set carbon.covered = false (or carbon.scopes = ["scope2"]) when the plant is in the '
    'national ETS': '工厂纳入全国碳市场时，请设置 carbon.covered = false（或 carbon.scopes = ["scope2"]）',
    "CCER limits are given without a CCER price, so no CCER can be bought":
        "给出了 CCER 限额但没有 CCER 价格，因此无法购买 CCER",
    "add ets.ccer_price_cny_per_t, or remove the CCER limits":
        "请添加 ets.ccer_price_cny_per_t，或删除 CCER 限额",
    "a share of output must be 0..1, found {found}": "产量比例必须在 0..1 之间，实际为 {found}",
    "give the exported share as a fraction, e.g. 0.3": "请以小数给出出口比例，如 0.3",
    "give exactly one of cbam.benchmark (a name) and cbam.benchmark_t_per_unit (a number)":
        "cbam.benchmark（名称）与 cbam.benchmark_t_per_unit（数值）必须且只能给出一个",
    'e.g. benchmark = "hot_rolled_flats_bf_bof"': '如 benchmark = "hot_rolled_flats_bf_bof"',
    "unknown CBAM benchmark '{name}'": "未知的 CBAM 基准 '{name}'",
    'embedded_basis = "default" needs the default value': 'embedded_basis = "default" 需要默认值',
    "add cbam.default_t_per_unit (t CO2e per unit, from Implementing Regulation (EU) "
    "2025/2621)": "请添加 cbam.default_t_per_unit（每单位 t CO2e，取自实施条例 (EU) 2025/2621）",
    'default values are given but embedded_basis is "actual", so they would be ignored':
        '给出了默认值但 embedded_basis 为 "actual"，默认值将被忽略',
    'set embedded_basis = "default", or remove default_t_per_unit and default_markup':
        '请设置 embedded_basis = "default"，或删除 default_t_per_unit 和 default_markup',
    "a tax rate of 1 or more": "税率大于或等于 1",
    "give the rate as a share, e.g. 0.25 for 25 %": "请以比例给出税率，如 25 % 写作 0.25",
    "{grace} grace years leave nothing of a {tenor}-year tenor to repay":
        "{grace} 年宽限期使 {tenor} 年期贷款没有还款期",
    "make grace_years smaller than tenor_years": "请使 grace_years 小于 tenor_years",
    "a tax credit without income tax": "有税收抵免但没有所得税",
    "add a [tax] table with income_tax_rate, or remove tax_credit":
        "请添加含 income_tax_rate 的 [tax] 表，或删除 tax_credit",
    "an energy-performance contract needs all of emc_share, emc_years and "
    "emc_savings_cny_per_year": "合同能源管理需要同时给出 emc_share、emc_years 和 emc_savings_cny_per_year",
    "give the three keys (> 0), or none of them": "请给出这三个键（> 0），或都不给",
    "the service company pays the capex of a contracted measure, so the plant gets no credit "
    "or subsidy on it": "合同能源管理措施的资本支出由节能服务公司承担，工厂不能就此获得抵免或补贴",
    "remove tax_credit and subsidy_* from this measure, or the contract":
        "请从该措施中删除 tax_credit 和 subsidy_*，或删除合同",
    "unknown standard '{name}'": "未知标准 '{name}'",
    "profile file not found: {path}": "配置文件不存在：{path}",
    "give the path of a profile .toml (docs/standards.md)": "请给出配置 .toml 文件的路径（docs/standards.md）",
    "see docs/standards.md for the profile keys": "配置的键见 docs/standards.md",
    "is not a valid TOML profile: {detail}": "不是有效的 TOML 配置：{detail}",
    "fix the syntax (docs/standards.md)": "请修正语法（docs/standards.md）",
    "use one of {a}, or a profile .toml (docs/standards.md)":
        "请使用 {a} 之一，或一个配置 .toml 文件（docs/standards.md）",
    # ---------------------------------------------------------------- plausibility (errors)
    "{n} {what}; at most {limit} are accepted": "{n} 个{what}；最多允许 {limit} 个",
    "measures": "措施",
    "credits and removals": "碳信用与碳移除",
    "time-of-use periods": "分时电价时段",
    "merge similar entries (docs/errors.md, size limits)": "请合并相似条目（docs/errors.md，规模上限）",
    "{n} switches; at most {limit} are accepted": "{n} 项燃料替代；最多允许 {limit} 项",
    "merge them": "请合并它们",
    "{value} is beyond any real plant (at most {limit} is accepted)":
        "{value} 超出任何实际工厂的范围（最多允许 {limit}）",
    "check the unit named in the key": "请核对键名中的单位",
    "{n} kWh/kWp (full power in every hour of the year)": "{n} kWh/kWp（全年每小时满功率）",
    "{n} MWh a year (100 TWh)": "{n} MWh/年（100 TWh）",
    "{n} GJ a year (1 EJ)": "{n} GJ/年（1 EJ）",
    "{n} kg a year (100 kt of one gas)": "{n} kg/年（单一气体 100 kt）",
    "{n} t a year (1 Gt)": "{n} t/年（1 Gt）",
    "{n} kW (1 TW)": "{n} kW（1 TW）",
    "{n} m2 (1 000 km2)": "{n} m2（1 000 km2）",
    "{n} t a year": "{n} t/年",
    "{n} MWh a year": "{n} MWh/年",
    "{n} times the base price": "基准价格的 {n} 倍",
    "give tonnes CO2 per MWh (China's 2023 average is 0.5306; 530.6 kg/MWh = 0.5306 t/MWh)":
        "请以每 MWh 的 CO2 吨数填写（我国 2023 年平均为 0.5306；530.6 kg/MWh = 0.5306 t/MWh）",
    "give tonnes CO2 per MWh (China's 2023 residual mix is 0.6096)":
        "请以每 MWh 的 CO2 吨数填写（我国 2023 年剩余电力排放因子为 0.6096）",
    "give CNY per kWh (0.3-3 is usual; 660 CNY/MWh = 0.66 CNY/kWh)":
        "请以 元/kWh 填写（通常为 0.3-3；660 CNY/MWh = 0.66 CNY/kWh）",
    "give CNY per kWh (the coal benchmark is about 0.4)": "请以 元/kWh 填写（燃煤基准价约 0.4）",
    "give kilograms of the gas leaked or emitted per year": "请填写每年泄漏或排放的气体千克数",
    "give GJ per year (1 Nm3 of natural gas = 0.0389 GJ; 1 t of coal = 23 GJ)":
        "请以每年 GJ 填写（1 Nm3 天然气 = 0.0389 GJ；1 t 煤 = 23 GJ）",
    "is {what} (found {found})": "{what}（实际为 {found}）",
    "not finite": "不是有限数值",
    "{value}, beyond any real plant": "{value}，超出任何实际工厂的范围",
    "check {feeds}: a value there is far too large for its unit":
        "请核对 {feeds}：其中某个数值相对其单位过大",
    "the scenario's inputs": "情景的输入",
    "demand, process gases and the grid and fuel factors": "用电与用能、工艺气体以及电网和燃料排放因子",
    "the base-year emissions (demand and factors)": "基准年排放（用能与排放因子）",
    "grid.price_cny_per_kwh and the time-of-use multipliers": "grid.price_cny_per_kwh 及分时电价系数",
    "the measures' switches (fuel use x share / efficiency_to)":
        "措施的燃料替代（燃料用量 x 比例 / efficiency_to）",
    "the {what} saving shares of measures {ids} add up to {total} > 1, and they can all work "
    "in {year}": "措施 {ids} 的{what} 节约比例合计为 {total} > 1，且它们可在 {year} 年同时运行",
    "electricity": "电力",
    "fuel {name}": "燃料 {name}",
    "give each share as a fraction of the base-year use so that measures built together save "
    "at most all of it (0.2 after a 0.5 saving is 0.1 of the base), or put the alternatives "
    "in one [exclusive] group": "请按基准年用量的比例给出各比例，使同时建设的措施节约量不超过全部用量"
    "（在节约 0.5 之后再节约 0.2，相当于基准的 0.1），或将替代方案放入同一个 [exclusive] 组",
    # ---------------------------------------------------------------- hourly CSV files
    "load profile: {text}": "负荷曲线：{text}",
    "PV profile: {text}": "光伏出力曲线：{text}",
    "load profile": "负荷曲线",
    "PV profile": "光伏出力曲线",
    "is a directory, not a file": "是文件夹，不是文件",
    "give the path of the CSV file itself": "请给出 CSV 文件本身的路径",
    "check the path (relative paths are resolved from the scenario file's folder)":
        "请检查路径（相对路径从情景文件所在文件夹算起）",
    "is not UTF-8 text (first bad byte in row {row})": "不是 UTF-8 文本（第 {row} 行首个无效字节）",
    "save it as 'CSV UTF-8' (Excel: Save As > CSV UTF-8)":
        "请另存为 'CSV UTF-8'（Excel：另存为 > CSV UTF-8）",
    "file is empty": "文件为空",
    "write a header '{header}' and 8760 values, one per row":
        "请写一行表头 '{header}' 和 8760 个数值，每行一个",
    "is not a valid CSV ({detail})": "不是有效的 CSV（{detail}）",
    "save it again as CSV UTF-8": "请重新另存为 CSV UTF-8",
    "row 1 is separated by ';'": "第 1 行用 ';' 分隔",
    "save the file with ',' as separator": "请以 ',' 作为分隔符保存文件",
    "row 1 has {n} columns, expected 1 or 2": "第 1 行有 {n} 列，应为 1 或 2 列",
    "keep only the values (and optionally a timestamp column before them), with a header "
    "such as '{header}'": "请只保留数值列（可在其前加一列时间戳），表头如 '{header}'",
    "no header row (row 1 is a number)": "没有表头行（第 1 行是数字）",
    "add a first row naming the column with its unit, e.g. '{header}'":
        "请添加第一行，写出列名及其单位，如 '{header}'",
    "header {header} in row 1 does not end in a unit expected here ({units})":
        "第 1 行的表头 {header} 没有以此处要求的单位结尾（{units}）",
    "rename the column, e.g. '{header}', after converting the values to that unit":
        "请将数值换算为该单位后重命名该列，如 '{header}'",
    "row {row} has {n} columns, the header has {h}: '{text}' looks like a number with a "
    "decimal comma": "第 {row} 行有 {n} 列，表头有 {h} 列：'{text}' 像是用逗号作小数点的数字",
    "write '{text}' with '.' as decimal point (or quote the values), e.g. set the "
    "spreadsheet's locale to English before saving as CSV":
        "请写成 '{text}'，以 '.' 作小数点（或给数值加引号），例如另存为 CSV 前将表格软件的区域设置改为英文",
    "row {row} has {n} columns, the header has {h}": "第 {row} 行有 {n} 列，表头有 {h} 列",
    "give every row the same columns as the header": "请使每一行的列数与表头相同",
    "empty value (gap) in row {row}": "第 {row} 行有空值（缺失）",
    "fill the gap (e.g. interpolate between the neighbouring hours)": "请补全缺失值（如用相邻小时插值）",
    "{cell} in row {row} is not a number": "第 {row} 行的 {cell} 不是数字",
    "write plain numbers with '.' as decimal point, no units or thousands separators":
        "请写纯数字，以 '.' 作小数点，不带单位或千位分隔符",
    "{cell} (NaN or infinite) in row {row}": "第 {row} 行的 {cell}（NaN 或无穷大）",
    "replace it with a measured or interpolated value": "请替换为实测值或插值",
    "negative value {value} in row {row}": "第 {row} 行有负值 {value}",
    "{what} values must be >= 0; correct the sign or the reading":
        "{what}的数值必须 >= 0；请更正符号或读数",
    "found {n} data rows, expected 8760": "共 {n} 行数据，应为 8760 行",
    "found {n} data rows{leap}, expected 8760": "共 {n} 行数据{leap}，应为 8760 行",
    "found {n} data rows (8784 = a leap year), expected 8760":
        "共 {n} 行数据（8784 = 闰年），应为 8760 行",
    "give one value per hour of a 365-day year; for a leap year drop the 24 rows of Feb 29":
        "请按 365 天的年份每小时给一个值；闰年请删除 2 月 29 日的 24 行",
    # ---------------------------------------------------------------- output folders
    "--out {path}: {text}. Fix: {fix}.": "--out {path}：{text}。修改建议：{fix}。",
    "{folder} is not empty and was not written by carbonpath (it holds {files}); carbonpath "
    "never replaces or deletes files it did not write": "{folder} 不是空文件夹，且不是由 carbonpath "
    "写入的（其中有 {files}）；carbonpath 从不替换或删除非其写入的文件",
    "choose a new or empty folder, {hint}": "请选择一个新的或空的文件夹，{hint}",
    "or use --force to write into it anyway (it replaces only files named like carbonpath's "
    "outputs and deletes nothing)": "或使用 --force 强制写入（只替换与 carbonpath 输出同名的文件，不删除任何文件）",
    "{files} in {folder} was not written by carbonpath or changed since":
        "{folder} 中的 {files} 不是由 carbonpath 写入的，或之后被修改过",
    "{files} in {folder} were not written by carbonpath or changed since":
        "{folder} 中的 {files} 不是由 carbonpath 写入的，或之后被修改过",
    "move it away, {hint}": "请将其移走，{hint}",
    "move them away, {hint}": "请将它们移走，{hint}",
    "{files} in {folder} is a folder where carbonpath writes a file":
        "{folder} 中的 {files} 是文件夹，而 carbonpath 要在此处写入文件",
    "move it away or choose another folder": "请将其移走，或选择其他文件夹",
    "{path} is a symbolic link to {target}, which does not exist":
        "{path} 是指向 {target} 的符号链接，而目标不存在",
    "create the folder it points to, remove the link, or give another folder":
        "请创建其指向的文件夹、删除该链接，或给出其他文件夹",
    "{path} exists but is not a manifest written by carbonpath":
        "{path} 已存在，但不是 carbonpath 写入的清单",
    "rename or remove it, or choose another folder": "请重命名或删除它，或选择其他文件夹",
    "cannot list {folder} ({reason})": "无法列出 {folder}（{reason}）",
    "choose a folder you can read and write, or change its permissions":
        "请选择你可读写的文件夹，或修改其权限",
    "cannot write in {folder} ({reason})": "无法在 {folder} 中写入（{reason}）",
    "choose a folder you can write to, or change its permissions":
        "请选择你可写入的文件夹，或修改其权限",
    "{path} is a file, not a folder": "{path} 是文件，不是文件夹",
    "give a folder": "请给出一个文件夹",
    "give another path": "请给出其他路径",
    "cannot create the lock file {path} ({reason})": "无法创建锁文件 {path}（{reason}）",
    "make {folder} writable, or set TMPDIR to a folder you can write to":
        "请使 {folder} 可写，或将 TMPDIR 设为你可写入的文件夹",
    "cannot lock {path} ({reason})": "无法锁定 {path}（{reason}）",
    "set TMPDIR to a folder on a local disk": "请将 TMPDIR 设为本地磁盘上的文件夹",
    "another plan is writing here: {folder}": "另一个规划正在此处写入：{folder}",
    "another plan is writing here (process {pid}): {folder}":
        "另一个规划（进程 {pid}）正在此处写入：{folder}",
    "wait for it to finish, or choose another folder": "请等待其完成，或选择其他文件夹",
    "internal: staged output {name} is not a plain file": "内部错误：暂存的输出 {name} 不是普通文件",
    # ---------------------------------------------------------------- solver
    "no plan meets the target with the levers given":
        "在给定的减排手段下，没有任何规划能满足目标",
    "no plan meets the target with the levers given.":
        "在给定的减排手段下，没有任何规划能满足目标。",
    "the model is unbounded: a lever has no cost or no limit (report this scenario as a bug)":
        "模型无界：某个减排手段没有成本或没有上限（请将此情景作为缺陷报告）",
    "no feasible plan found within the time limit of {s} s (a budget for the whole run); "
    "raise solver.time_limit_s or --time-limit":
        "在 {s} 秒的时间上限（整个运行的预算）内未找到可行规划；请提高 solver.time_limit_s 或 --time-limit",
    "no feasible plan found within the node limit of {n} branch-and-bound nodes per solve; "
    "raise solver.node_limit or --node-limit":
        "在每次求解 {n} 个分支定界节点的上限内未找到可行规划；请提高 solver.node_limit 或 --node-limit",
    'HiGHS stopped with status {code} ({status}) and no plan; try solver.presolve = "off" '
    'or another random_seed': 'HiGHS 以状态 {code}（{status}）停止且没有规划；请尝试 '
    'solver.presolve = "off" 或其他 random_seed',
    "the fixed plan cannot meet the target": "固定的规划无法满足目标",
    "no solution for the fixed plan ({status})": "固定的规划无解（{status}）",
    "the decomposition did not converge for the fixed plan": "固定规划的分解算法未收敛",
    # ---------------------------------------------------------------- diagnosis
    "The standard's rules cannot be met with these levers: {kinds} (lifting any one of them "
    "makes the model solvable); choose another --standard or add levers":
        "在这些减排手段下无法满足标准的规则：{kinds}（取消其中任何一条即可求解）；"
        "请选择其他 --standard 或增加减排手段",
    "net cap (net_max_share)": "净排放上限（net_max_share）",
    "offset cap (offset_max_share)": "抵消上限（offset_max_share）",
    "reduction (reduction_min_share / annual_reduction_min_rate)":
        "减排要求（reduction_min_share / annual_reduction_min_rate）",
    "renewable electricity share": "可再生电力比例",
    "gross non-increasing": "总排放不增加",
    "First year that fails: {year}, short by {t} t CO2e": "首个未达标年份：{year}，差 {t} t CO2e",
    "Shortfall over {n} year: {total} t in total; largest {largest} t":
        "{n} 年未达标：合计差 {total} t；最大 {largest} t",
    "Shortfall over {n} years: {total} t in total; largest {largest} t":
        "{n} 年未达标：合计差 {total} t；最大 {largest} t",
    "Limits that bind:": "起约束作用的限制：",
    "Earliest net-zero year reachable with these levers: {year} (target {target}; ignoring "
    "the interim path)": "这些减排手段可实现的最早净零年份：{year}（目标 {target}；不计中间路径）",
    "Earliest net-zero year reachable with these levers: {year} (target {target}; ignoring "
    "the interim path and the standard's rules)":
        "这些减排手段可实现的最早净零年份：{year}（目标 {target}；不计中间路径和标准的规则）",
    "Net zero cannot be reached within the horizon: at best {t} t remain in {year}":
        "规划期内无法实现净零：{year} 年最少仍有 {t} t",
    "Net zero cannot be reached within the horizon": "规划期内无法实现净零",
    "(the shortfall above is a bound: the exact least shortfall was not proven within the "
    "time budget; every year listed does fail)":
        "（以上差额是一个界：在时间预算内未能证明精确的最小差额；所列年份确实都未达标）",
    "Earliest net-zero year: not settled within the time budget": "最早净零年份：在时间预算内未能确定",
    "Least fix not settled within the time budget for: {keys}": "在时间预算内未能确定最小改动：{keys}",
    "(diagnosis incomplete: some of its {n} solves reached their share of the time budget; "
    "raise solver.time_limit_s for the rest)":
        "（诊断不完整：其 {n} 次求解中有的用完了分到的时间预算；请提高 solver.time_limit_s 以完成其余部分）",
    "Any one of these changes makes the target reachable:": "以下任何一项改动都可使目标可达：",
    'set it to {year} or later, with an interim path the levers can follow (trajectory = '
    '"table")': '请设为 {year} 年或更晚，并给出减排手段能跟上的中间路径（trajectory = "table"）',
    "{kind} '{id}' is available only from {year} (earliest_year), not in {years}":
        "{kind} '{id}' 自 {year} 年起才可用（earliest_year），{years} 年不可用",
    "{kind} '{id}' availability: all {t} t/yr bought in {years}":
        "{kind} '{id}' 的可购量：{years} 年已购满每年 {t} t",
    "{kind} '{id}' is not available in {years}": "{kind} '{id}' 在 {years} 年不可用",
    "credit cap (target.max_credit_share): credits limited to {t} t/yr in {years}":
        "碳信用上限（target.max_credit_share）：{years} 年碳信用限于每年 {t} t",
    "no credits are offered ([[credit]] tables)": "没有可购买的碳信用（[[credit]] 表）",
    "PV roof limit: {kw} kW installed": "光伏屋顶上限：已安装 {kw} kW",
    "battery limit: {kwh} kWh installed": "储能上限：已安装 {kwh} kWh",
    "green certificates at their maximum in {years}": "{years} 年绿证已达上限",
    "capex budget: {cny} CNY/yr spent in full in {years}": "资本支出预算：{years} 年每年 {cny} 元已全部用完",
    "capex budget: {cny} CNY/yr is below the capex of {items}":
        "资本支出预算：每年 {cny} 元低于以下措施的资本支出：{items}",
    "measure '{id}' is available only from {year} (earliest_year)":
        "措施 '{id}' 自 {year} 年起才可用（earliest_year）",
    "raise to {new} {unit} (now {old})": "提高到 {new} {unit}（目前为 {old}）",
    "raise by {delta} {unit} in every year it applies": "在其适用的每一年提高 {delta} {unit}",
    "{fix} (at most: not proven least within the time budget)":
        "{fix}（至多：在时间预算内未证明为最小）",
    "t a year": "t/年",
    "CNY a year": "元/年",
    "offer offsets: at least {t} t in {year}, {total} t over the horizon":
        "提供抵消量：{year} 年至少 {t} t，规划期内共 {total} t",
    "allow earlier builds of: {ids}": "允许以下措施提前建设：{ids}",
    "make it available from {year} (now {now}); raising max_t_per_year would not help "
    "before then": "使其自 {year} 年起可用（目前为 {now} 年）；在此之前提高 max_t_per_year 无济于事",
    # ---------------------------------------------------------------- assumptions (notes)
    "PV output is modelled (clear-sky with seeded cloudiness, mean clear-sky index {k}); "
    "calibrate with pv.annual_yield_kwh_per_kwp or a measured profile_csv":
        "光伏出力为模型计算值（晴空模型加固定随机种子的云量，平均晴空指数 {k}）；"
        "可用 pv.annual_yield_kwh_per_kwp 或实测 profile_csv 校准",
    "grid factor from the MEE table for '{region}' ({ef} tCO2/MWh), held at the {year} value "
    "afterwards": "电网排放因子取自生态环境部 '{region}' 的数值（{ef} tCO2/MWh），其后各年保持 {year} 年的值",
    "PV limit {kw} kW from {m2} m2 of roof at {ratio} m2/kW":
        "光伏上限 {kw} kW，由 {m2} m2 屋顶按 {ratio} m2/kW 得出",
    "battery size limited to {kwh} kWh (a day of mean load); set battery.max_kwh to change it":
        "储能容量上限为 {kwh} kWh（一天的平均负荷）；可设置 battery.max_kwh 修改",
    "cbam.{key} from the shipped schedule ({mark})": "cbam.{key} 取自内置的时间表（{mark}）",
    "CBAM benchmark '{name}' = {value} t CO2e/t ({mark}: {source})":
        "CBAM 基准 '{name}' = {value} t CO2e/t（{mark}：{source}）",
    "fuel '{name}' is not in the shipped table: its CH4 and N2O of combustion are not counted":
        "燃料 '{name}' 不在内置表中：其燃烧产生的 CH4 和 N2O 未计入",
    "ETS covered gases of sector '{sector}': {gases} ({source})":
        "行业 '{sector}' 纳入碳市场的气体：{gases}（{source}）",
    "CCER at most {share} of allowances surrendered ({source})":
        "CCER 至多占清缴配额的 {share}（{source}）",
    "time-of-use preset '{name}' holds assumed (unverified, U) numbers; docs/profiles.md "
    "says which": "分时电价预设 '{name}' 含有假设（未核实，U）的数值；具体见 docs/profiles.md",
    "export price capped at the hour's import price in {n} hours a year (export never earns "
    "more than import costs)": "每年有 {n} 个小时的上网电价被限制为当时的购电价（上网收入不超过购电成本）",
    "Two-part tariff: the {best} basis is cheaper (NPV {npv} MCNY against {other_npv} MCNY on "
    "the {other} basis).": "两部制电价：{best} 计费方式更便宜（净现值 {npv} 百万元，"
    "{other} 计费方式为 {other_npv} 百万元）。",
    "demand": "按需量",
    "capacity": "按容量",
    # ---------------------------------------------------------------- the shipped standards
    "'{name}' is assessed as '{key}'": "'{name}' 按 '{key}' 评估",
    "PAS 2060 was withdrawn on 30 Nov 2025 (BSI stopped its scheme on 1 Jan 2025); the plan "
    "is assessed against its successor ISO 14068-1:2023.":
        "PAS 2060 已于 2025 年 11 月 30 日废止（BSI 已于 2025 年 1 月 1 日停止其认证计划）；"
        "本规划按其后继标准 ISO 14068-1:2023 评估。",
    "Scope 3 sources above 1 % are required by the standard but are outside carbonpath's "
    "boundary (scopes 1 and 2).": "该标准要求计入占比超过 1 % 的范围三排放源，但这不在 "
    "carbonpath 的边界（范围一和范围二）之内。",
    "No published numeric threshold was found: the 80 % own reduction and the 50 % "
    "renewable-electricity share are assumptions (U). Offsets are not needed for near zero; "
    "the scenario's own target still applies.": "未找到公开的数值阈值：自身减排 80 % 和可再生"
    "电力占比 50 % 均为假设（U）。近零碳不需要抵消；情景自身的目标仍然适用。",
    "Scope 3 is outside carbonpath's boundary and is not assessed. Which Net-Zero Standard "
    "version applies in 2026 (V2 was in consultation in 2025) is unverified (U).":
        "范围三不在 carbonpath 的边界之内，不作评估。2026 年适用哪一版净零标准（V2 于 2025 年"
        "征求意见）未经核实（U）。",
    "The national guidance gives no numeric offset cap or renewable-share threshold (U). The "
    "100 % renewable-electricity rule is T/CECA's 6-star level (S); the national guidance "
    "speaks of CO2 only, T/CECA of all GHG in CO2e: this profile counts all GHG (the stricter "
    "reading).": "国家指导意见未给出抵消上限或可再生电力占比的数值阈值（U）。100 % 可再生电力"
    "的规则取自 T/CECA 的六星级（S）；国家指导意见只提及 CO2，T/CECA 则按 CO2e 计全部温室气体："
    "本配置计入全部温室气体（较严格的解读）。",
    # ---------------------------------------------------------------- sweep and compare
    "nothing to vary": "没有要变化的输入",
    "starting": "启动中",
    "solving the base case": "求解基准情形",
    "solving {n} runs in this process": "在本进程中求解 {n} 次运行",
    "starting dask workers": "启动 dask 工作进程",
    "connecting to {address}": "连接 {address}",
    "solving {n} runs on {where}": "在 {where} 上求解 {n} 次运行",
    "give --vary KEY=LO:HI (e.g. carbon.price=0.5:2.0) or a [sweep] vary list in the scenario":
        "请给出 --vary KEY=LO:HI（如 carbon.price=0.5:2.0），或在情景文件中给出 [sweep] vary 列表",
    "see `plan sweep --help` or docs/sweeps.md for the syntax":
        "语法见 `plan sweep --help` 或 docs/sweeps.md",
    "'{key}' is already varied by --vary {spec}": "'{key}' 已由 --vary {spec} 变化",
    "vary each key once": "每个键只变化一次",
    "cannot reach the dask scheduler at {address} ({reason}); start one with `dask "
    "scheduler` and workers with `dask worker ADDRESS`, or use --scheduler local":
        "无法连接 {address} 的 dask 调度器（{reason}）；请用 `dask scheduler` 启动调度器、"
        "用 `dask worker ADDRESS` 启动工作进程，或使用 --scheduler local",
    "all {n} samples failed ({kinds}); first reason: {reason}":
        "全部 {n} 个样本均失败（{kinds}）；第一个原因：{reason}",
    "give at least two scenarios to compare": "请至少给出两个情景进行比较",
    "{path}: file not found": "{path}：文件不存在",
    "{path} exists; use --force to overwrite": "{path} 已存在；使用 --force 覆盖",
    "{year} is not a year of the horizon {start}-{end}": "{year} 不是规划期 {start}-{end} 内的年份",
}

#: Greatest nesting of translated fields (a field's text translated in turn).
_DEPTH = 3
#: Fields whose text may hold ": " (a key path and its message); the others stop there,
#: so that ``FILE: what: message`` is not read as one field of a longer template.
_WIDE = frozenset({"text", "fix", "detail", "reason", "ef", "items", "source", "kinds",
                   "keys", "ids"})
#: Fields translated even when they are one word (others only when they hold a space:
#: a one-word field is a key, an id or a value, e.g. ``add `scenario = ...` ``).
_WORD_FIELDS = frozenset({"what", "kind", "best", "other", "found", "expected",
                          "unit"})


def _pieces(template: str) -> list[tuple[str, str | None]]:
    return [(lit, name) for lit, name, _, _ in string.Formatter().parse(template)]


def _without_specs(template: str) -> str:
    """``template`` with its format specs dropped (its fields are filled with text here)."""
    out = ""
    for lit, name, _, _ in string.Formatter().parse(template):
        out += lit.replace("{", "{{").replace("}", "}}")
        if name is not None:
            out += "{" + name + "}"
    return out


@cache
def _catalogue() -> dict[str, str]:
    """English template -> Chinese template: :data:`SENTENCES`, then the sentences of
    :data:`planner.base.i18n.MESSAGES` (rendered English text that travelled as a string,
    e.g. a plausibility warning in ``summary.json``), format specs dropped."""
    out = dict(SENTENCES)
    for en, zh in MESSAGES.values():
        if any(name for _, name, _, _ in string.Formatter().parse(en)) or len(en) > 3:
            out.setdefault(_without_specs(en), _without_specs(zh))
    return out


@cache
def _compiled() -> list[tuple[re.Pattern[str], int, str]]:
    """(pattern, length of the fixed text, English template), most fixed text first."""
    out = []
    for en in _catalogue():
        regex, fixed, names = "", 0, set()
        for lit, name in _pieces(en):
            regex += re.escape(lit)
            fixed += len(lit)
            if name is not None:  # a field named twice matches the same text twice
                any_text = ".+?" if name in _WIDE else "(?:(?!: ).)+?"
                regex += f"(?P={name})" if name in names else f"(?P<{name}>{any_text})"
                names.add(name)
        if fixed:
            out.append((re.compile(regex, re.DOTALL), fixed, en))
    out.sort(key=lambda t: -t[1])
    return out


def _match(text: str) -> tuple[str, dict[str, str]] | None:
    for pattern, _, en in _compiled():
        m = pattern.fullmatch(text)
        if m is not None:
            return en, m.groupdict()
    return None


def has_translation(text: str) -> bool:
    """Whether ``text`` matches a template of :data:`SENTENCES`."""
    return _match(text) is not None


def _is_name(head: str) -> bool:
    """A key path or file name: a letter, and no space outside brackets
    (``measure[1 "led"].capex_cny`` is one; ``2021`` and ``load profile`` are not)."""
    bare = re.sub(r"\[[^\]]*\]", "", head)
    return bool(head) and " " not in bare and re.search(r"[A-Za-z]", bare) is not None


def translate(text: str, lang: str = "zh", _depth: int = 0) -> str:
    """``text`` in ``lang``: the Chinese of the English template it matches, fields
    translated where they are catalogue sentences themselves; unchanged where none matches
    (or for ``en``).

    A text ``NAME: rest`` where NAME is a key path or file name (no space, a letter; not
    a year as in ``2021: 0.54``) keeps NAME and translates the rest, so a key or file in
    front of a sentence needs no entry.
    """
    if lang == "en" or not text or _depth > _DEPTH:
        return text
    found = _match(text)
    if found is not None:
        en, fields = found
        done = {k: translate(v, lang, _depth + 1) if " " in v or k in _WORD_FIELDS else v
                for k, v in fields.items()}
        return _catalogue()[en].format(**done)
    head, sep, rest = text.partition(": ")
    if sep and rest and _is_name(head):
        return f"{head}：{translate(rest, lang, _depth + 1)}"
    return text


def translate_lines(text: str, lang: str = "zh") -> str:
    """:func:`translate` line by line, keeping each line's indentation and ``- `` bullet."""
    if lang == "en":
        return text
    out = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        indent = line[: len(line) - len(body)]
        bullet = "- " if body.startswith("- ") else ""
        body = body[len(bullet):]
        done = translate(body, lang)
        head, sep, rest = body.partition(": ")
        if done == body and bullet and sep:
            # a bullet "KEY: change", the key possibly with spaces ("[[credit]] or [[removal]]")
            done = f"{head}：{translate(rest, lang)}"
        out.append(indent + bullet + done)
    return "\n".join(out)
