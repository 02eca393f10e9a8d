-- Purpose: the corridor's headline KPIs, read from the marts (the demo and each sync's summary artifact).
-- Grain: one row per KPI.
SELECT 'interchange cargo KTZ↔ADY, t' AS kpi,
       (SELECT format('{:,.0f}', sum(gross_weight_t)) FROM marts.corridor_volume_monthly) AS value
UNION ALL
SELECT 'consignments across the Caspian (both railways reported)',
       (SELECT format('{:,}', sum(consignments)) FROM marts.corridor_volume_monthly)
UNION ALL
SELECT 'XIAN-BAKU trains departed',
       (SELECT format('{:,}', sum(trains)) FROM marts.train_service_monthly WHERE service_code = 'XIAN-BAKU')
UNION ALL
SELECT 'containers per XIAN-BAKU train',
       (SELECT format('{:.1f}', sum(containers) / sum(trains)) FROM marts.train_service_monthly WHERE service_code = 'XIAN-BAKU')
UNION ALL
SELECT 'median Xi''an → Absheron transit, days',
       (SELECT format('{:.1f}', median(transit_days)) FROM marts.container_transit WHERE arrived_utc IS NOT NULL)
UNION ALL
SELECT 'median legs: KZ rail / Aktau dwell / sea / Baku dwell / AZ rail, h',
       (SELECT format('{:.0f} / {:.0f} / {:.0f} / {:.0f} / {:.0f}', median(kz_rail_hours), median(aktau_dwell_hours),
                      median(sea_hours), median(baku_dwell_hours), median(az_rail_hours))
        FROM marts.container_transit WHERE arrived_utc IS NOT NULL)
UNION ALL
SELECT 'vessel calls on time (ATA ≤ ETA + 3 h), %',
       (SELECT format('{:.1f}', 100.0 * sum(on_time) / nullif(sum(observed), 0))
        FROM marts.schedule_adherence_monthly WHERE kind = 'VESSEL')
UNION ALL
SELECT 'train stops on time (≤ plan + 60 min), %',
       (SELECT format('{:.1f}', 100.0 * sum(on_time) / nullif(sum(observed), 0))
        FROM marts.schedule_adherence_monthly WHERE kind = 'TRAIN')
UNION ALL
SELECT 'median port dwell of a wagon, Aktau / Baku, h',
       (SELECT format('{:.1f} / {:.1f}',
                      median(median_dwell_hours) FILTER (WHERE port_unlocode = 'KZAAU'),
                      median(median_dwell_hours) FILTER (WHERE port_unlocode = 'AZBAK'))
        FROM marts.port_dwell_monthly WHERE equipment_kind = 'WAGON')
UNION ALL
SELECT 'waybills the sources disagree on', (SELECT format('{:,}', count(DISTINCT waybill_no)) FROM marts.waybill_reconciliation)
UNION ALL
SELECT 'records quarantined', (SELECT format('{:,}', count(*)) FROM quality.quarantine)
