#include "counters.h"

#include <perfmon/pfmlib.h>
#include <stdio.h>
#include <string.h>

int counters_describe(char *version, size_t vlen, char *pmu, size_t pmulen)
{
	pmu[0] = '\0';
	if (pfm_initialize() != PFM_SUCCESS) {
		snprintf(version, vlen, "unavailable");
		return -1;
	}
	int v = pfm_get_version();
	snprintf(version, vlen, "%d.%d", PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v));

	for (int p = PFM_PMU_NONE; p < PFM_PMU_MAX; p++) {
		pfm_pmu_info_t info;
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info((pfm_pmu_t)p, &info) == PFM_SUCCESS && info.is_present &&
		    info.type == PFM_PMU_TYPE_CORE) {
			snprintf(pmu, pmulen, "%s", info.name);
			break;
		}
	}
	return 0;
}
