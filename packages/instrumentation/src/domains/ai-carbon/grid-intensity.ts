import {
  CLOUD_PROVIDERS,
  CLOUD_REGION_INTENSITY,
  COUNTRY_INTENSITY,
  WORLD_AVERAGE_INTENSITY,
  type CloudProvider,
} from './grid-intensity-data.js';

/** Where the process' electricity comes from: a cloud region of `impact.csv`, or a country by ISO 3166-1 alpha-3 code. */
export type GridLocation = { provider: CloudProvider; region: string } | { country: string };

/** How the grid intensity is chosen: a location looked up in the shipped table, or a figure with its source. */
export type GridIntensityOption = GridLocation | { gramsPerKwh: number; source: string };

/** Values of the `source` label: which table the figure comes from, or the user. */
export const GRID_INTENSITY_SOURCES = ['codecarbon_cloud_impact', 'owid_country', 'iea_world_average', 'user_supplied'] as const;
/** One of {@link GRID_INTENSITY_SOURCES}. */
export type GridIntensitySource = (typeof GRID_INTENSITY_SOURCES)[number];

/** The intensity a module uses, with what it exports about it. */
export interface GridIntensity {
  /** gCO2e per kWh. */
  readonly gramsPerKwh: number;
  /** The `region` label: `gcp:europe-west1`, `country:FRA`, `world` (no location given) or `custom` (a supplied figure). */
  readonly region: string;
  /** The `source` label (a closed set). */
  readonly sourceLabel: GridIntensitySource;
  /** The source as its file states it, or the supplied `source` (kept here, never a label: it is free text). */
  readonly source: string;
  /** The year the file states for the figure; null when it states none. */
  readonly year: number | null;
}

const HOW_TO_SUPPLY = "or pass { gramsPerKwh, source } with your grid operator's figure (e.g. Electricity Maps, your provider's carbon report)";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Resolves the grid intensity: a cloud region or a country from the table copied from CodeCarbon
 * (see `grid-intensity-data.ts` for provenance), a supplied figure with its source, or without
 * any, CodeCarbon's world average (475, IEA). An unknown region or country is refused, with how
 * to supply a value; messages name the rule, never the rejected value.
 */
export function resolveGridIntensity(option?: GridIntensityOption): GridIntensity {
  if (option === undefined) {
    return { ...WORLD_AVERAGE_INTENSITY, region: 'world', sourceLabel: 'iea_world_average' };
  }
  if (!isObject(option)) throw new TypeError(`grid must be { provider, region }, { country } or { gramsPerKwh, source }`);
  if ('gramsPerKwh' in option) {
    const { gramsPerKwh, source } = option;
    if (typeof gramsPerKwh !== 'number' || !Number.isFinite(gramsPerKwh) || gramsPerKwh < 0) {
      throw new RangeError('grid.gramsPerKwh must be a finite number of gCO2e/kWh, at least 0');
    }
    if (typeof source !== 'string' || source.trim() === '') throw new TypeError('grid.source must name where the figure comes from');
    return { gramsPerKwh, region: 'custom', sourceLabel: 'user_supplied', source, year: null };
  }
  if ('country' in option) {
    const entry = typeof option.country === 'string' ? COUNTRY_INTENSITY.get(option.country.toUpperCase()) : undefined;
    if (!entry) {
      throw new RangeError(
        `grid.country must be an ISO 3166-1 alpha-3 code of the ${COUNTRY_INTENSITY.size} countries in CodeCarbon's global_energy_mix.json (e.g. FRA, DEU, USA), ${HOW_TO_SUPPLY}`,
      );
    }
    const iso = (option.country as string).toUpperCase();
    return { gramsPerKwh: entry.gramsPerKwh, region: `country:${iso}`, sourceLabel: 'owid_country', source: entry.source, year: entry.year };
  }
  if ('provider' in option) {
    const provider = option.provider as unknown;
    if (typeof provider !== 'string' || !(CLOUD_PROVIDERS as readonly string[]).includes(provider)) {
      throw new RangeError(`grid.provider must be one of ${CLOUD_PROVIDERS.join(', ')}, or pass { country }, ${HOW_TO_SUPPLY}`);
    }
    const key = `${provider}:${String(option.region)}`;
    const entry = CLOUD_REGION_INTENSITY.get(key);
    if (!entry) {
      const known = [...CLOUD_REGION_INTENSITY.keys()].filter((k) => k.startsWith(`${provider}:`)).map((k) => k.slice(provider.length + 1));
      throw new RangeError(
        `grid.region is not a ${provider} region of CodeCarbon's impact.csv (known: ${known.join(', ')}); pass { country } for the region's country, ${HOW_TO_SUPPLY}`,
      );
    }
    return { gramsPerKwh: entry.gramsPerKwh, region: key, sourceLabel: 'codecarbon_cloud_impact', source: entry.source, year: entry.year };
  }
  throw new TypeError(`grid must be { provider, region }, { country } or { gramsPerKwh, source }`);
}
