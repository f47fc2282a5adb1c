"""Scaled units inside the MILP, chosen so that HiGHS sees coefficients near 1.

A factory's money is 1e5..1e9 CNY, its energy 1e3..1e5 MWh, its emissions
1e2..1e5 t. Inside the MILP these become:

=============  ============================  =====================
quantity       natural unit (PlanInputs)      MILP unit
=============  ============================  =====================
money          CNY                            million CNY (MCNY)
power          kW                             MW
stored energy  kWh                            MWh
electricity    MWh/yr                         GWh/yr
fuel           GJ/yr                          TJ/yr
emissions      t CO2e                         kt CO2e
=============  ============================  =====================

So prices keep their magnitude: CNY/kWh = MCNY/GWh, tCO2/MWh = kt/GWh,
tCO2/GJ = kt/TJ; CNY/t x kt = 1e-3 MCNY. Every conversion lives here.
"""

MONEY_CNY = 1e6          # CNY per MCNY
POWER_KW = 1e3           # kW per MW
STORAGE_KWH = 1e3        # kWh per MWh
ELEC_MWH = 1e3           # MWh per GWh
FUEL_GJ = 1e3            # GJ per TJ
EMIS_T = 1e3             # t per kt

# Price conversions (natural -> MILP money per MILP quantity).
CNY_PER_KW_TO_MCNY_PER_MW = POWER_KW / MONEY_CNY           # 1e-3
CNY_PER_KWH_TO_MCNY_PER_MWH = STORAGE_KWH / MONEY_CNY      # 1e-3 (battery capex)
CNY_PER_MWH_TO_MCNY_PER_GWH = ELEC_MWH / MONEY_CNY         # 1e-3
CNY_PER_GJ_TO_MCNY_PER_TJ = FUEL_GJ / MONEY_CNY            # 1e-3
CNY_PER_T_TO_MCNY_PER_KT = EMIS_T / MONEY_CNY              # 1e-3
