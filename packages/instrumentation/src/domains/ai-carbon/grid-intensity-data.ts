/**
 * Grid carbon intensities in gCO2e/kWh, copied from CodeCarbon's data files (no figure here is
 * Vigil's own). Provenance:
 *
 * - Repository: https://github.com/mlco2/codecarbon, MIT license; its notice, which the license
 *   asks to keep with substantial portions:
 *
 *     MIT License
 *     Copyright (c) 2019 Mila, BCG Gamma, CometML, Haverford College
 *     Copyright (c) 2023 Code Carbon NGO
 *     Permission is hereby granted, free of charge, to any person obtaining a copy of this
 *     software and associated documentation files (the "Software"), to deal in the Software
 *     without restriction, including without limitation the rights to use, copy, modify, merge,
 *     publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
 *     to whom the Software is furnished to do so, subject to the following conditions:
 *     The above copyright notice and this permission notice shall be included in all copies or
 *     substantial portions of the Software.
 *     THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
 *     INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
 *     PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
 *     FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
 *     OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
 *     DEALINGS IN THE SOFTWARE.
 *
 * - Cloud regions: `codecarbon/data/cloud/impact.csv` at commit
 *   10d8ad37ccf16aa76505906ecb2f2ef0ec7f5ed3, columns `provider`, `region`, `impact`
 *   (gCO2e/kWh) and `source` copied as they are. The file states no year for any row, so
 *   `year` is null; each row's source is the one the file names (Google's region-carbon page
 *   for GCP, eGRID and national statistics for AWS and Azure). One row is left out: Azure
 *   `westcentralus`, whose source is empty and whose comment says its grid is unknown.
 *   The GCP rows are not all grid figures: 16 of the 24 equal Google's 2019 lifecycle grid
 *   intensity times (1 - Google CFE%) (GoogleCloudPlatform/region-carbon-info
 *   data/yearly/2019.csv, checked to 0.1 g), i.e. what remains after Google's carbon-free
 *   energy; the 8 regions without a CFE figure there match neither that file's intensity nor the
 *   product. The README says so; `{ country }` gives a location-based figure instead.
 * - Countries (ISO 3166-1 alpha-3): `codecarbon/data/private_infra/global_energy_mix.json` at
 *   commit 0963f17527d0a89262eb849946ca7af4d0f9434c, fields `carbon_intensity`, `country_name`
 *   and `year` (2021 for every country in that version). CodeCarbon's methodology page
 *   (`docs/edit/methodology.rst`) names the source: Our World in Data's carbon intensity of
 *   electricity (https://ourworldindata.org/grapher/carbon-intensity-electricity).
 * - World average: 475, CodeCarbon's fallback "if we have neither the global carbon intensity of
 *   a country nor its electricity mix" (methodology.rst), from the IEA Global Energy & CO2 Status
 *   Report 2019 (https://www.iea.org/reports/global-energy-co2-status-report-2019/emissions).
 *
 * Regenerate by hand from those files; change a figure only with its file and commit.
 */

/** One intensity: the figure, the source its file names, and the year it states (null: none stated). */
export interface GridIntensityEntry {
  readonly gramsPerKwh: number;
  readonly source: string;
  readonly year: number | null;
}

/** The repository and files the figures come from. */
export const GRID_INTENSITY_PROVENANCE = {
  repository: 'https://github.com/mlco2/codecarbon',
  license: 'MIT',
  cloudFile: 'codecarbon/data/cloud/impact.csv@10d8ad37ccf16aa76505906ecb2f2ef0ec7f5ed3',
  countryFile: 'codecarbon/data/private_infra/global_energy_mix.json@0963f17527d0a89262eb849946ca7af4d0f9434c',
  countrySource: 'Our World in Data, carbon intensity of electricity (https://ourworldindata.org/grapher/carbon-intensity-electricity)',
  worldSource: 'IEA Global Energy & CO2 Status Report 2019 (https://www.iea.org/reports/global-energy-co2-status-report-2019/emissions), CodeCarbon methodology.rst',
} as const;

/** The world average CodeCarbon applies without a location: 475 gCO2e/kWh (IEA, 2019 report). */
export const WORLD_AVERAGE_INTENSITY: GridIntensityEntry = { gramsPerKwh: 475, source: GRID_INTENSITY_PROVENANCE.worldSource, year: null };

/** The cloud providers of `impact.csv`. */
export const CLOUD_PROVIDERS = ['aws', 'gcp', 'azure'] as const;
/** One of {@link CLOUD_PROVIDERS}. */
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

// The distinct `source` values of impact.csv's rows, referred to by index below.
const CLOUD_SOURCES = [
  'https://cloud.google.com/sustainability/region-carbon?hl=fr',
  'eGRID',
  'https://www.sciencedirect.com/science/article/pii/S095965261731627X',
  'http://www.cea.nic.in/reports/others/thermal/tpece/cdm_co2/user_guide_ver13.pdf',
  'https://www.fepc.or.jp/library/pamphlet/pdf/04_electricity.pdf',
  'https://www.carbonfootprint.com/docs/2018_8_electricity_factors_august_2018_-_online_sources.pdf',
  'https://www.ema.gov.sg/cmsmedia/Publications_and_Statistics/Publications/SES18/Publication_Singapore_Energy_Statistics_2018.pdf',
  'http://www.cleanenergyregulator.gov.au/NGER/National%20greenhouse%20and%20energy%20reporting%20data/electricity-sector-emissions-and-generation-data/electricity-sector-emissions-and-generation-data-2016-17',
  'Hydro-Québec',
  'measured on  July 2, 2019 between 8 and 9 PM, EST on www.electricitymap.org',
  'https://www.sciencedirect.com/science/article/pii/S1361920916307933',
  'https://pdfs.semanticscholar.org/bd2a/69da81529a0f8dd16573dfd38e9d7468637e.pdf',
  'eGRID (seem to be in the SRMW grid)',
  'Calculated from IESO',
] as const;

// [provider, region, gCO2e/kWh, index into CLOUD_SOURCES], in the file's order.
const CLOUD_ROWS: readonly (readonly [CloudProvider, string, number, number])[] = [
  ['gcp', 'asia-east1', 438.2, 0],
  ['gcp', 'asia-east2', 626, 0],
  ['gcp', 'asia-northeast1', 524, 0],
  ['gcp', 'asia-northeast2', 524, 0],
  ['gcp', 'asia-northeast3', 540, 0],
  ['gcp', 'asia-south1', 723, 0],
  ['gcp', 'asia-southeast1', 478.2, 0],
  ['gcp', 'asia-southeast2', 772, 0],
  ['gcp', 'australia-southeast1', 645.2, 0],
  ['gcp', 'europe-north1', 41.6, 0],
  ['gcp', 'europe-west1', 62.7, 0],
  ['gcp', 'europe-west2', 118.2, 0],
  ['gcp', 'europe-west3', 124.4, 0],
  ['gcp', 'europe-west4', 184.9, 0],
  ['gcp', 'europe-west6', 29, 0],
  ['gcp', 'northamerica-northeast1', 143, 0],
  ['gcp', 'southamerica-east1', 14.2, 0],
  ['gcp', 'us-central1', 105.4, 0],
  ['gcp', 'us-east1', 405, 0],
  ['gcp', 'us-east4', 226, 0],
  ['gcp', 'us-west1', 12.9, 0],
  ['gcp', 'us-west2', 111.6, 0],
  ['gcp', 'us-west3', 420.8, 0],
  ['gcp', 'us-west4', 427.2, 0],
  ['aws', 'us-east-2', 568.2, 1],
  ['aws', 'us-east-1', 367.8, 1],
  ['aws', 'us-west-1', 240.6, 1],
  ['aws', 'us-west-2', 297.6, 1],
  ['aws', 'ap-east-1', 702, 2],
  ['aws', 'ap-south-1', 920, 3],
  ['aws', 'ap-northeast-3', 516, 4],
  ['aws', 'ap-northeast-2', 517, 5],
  ['aws', 'ap-southeast-1', 419, 6],
  ['aws', 'ap-southeast-2', 802, 7],
  ['aws', 'ap-northeast-1', 516, 4],
  ['aws', 'ca-central-1', 20, 8],
  ['aws', 'cn-north-1', 680, 5],
  ['aws', 'cn-northwest-1', 680, 5],
  ['aws', 'eu-central-1', 615, 9],
  ['aws', 'eu-west-1', 617, 10],
  ['aws', 'eu-west-2', 623, 10],
  ['aws', 'eu-west-3', 105, 10],
  ['aws', 'eu-north-1', 47, 10],
  ['aws', 'sa-east-1', 205, 11],
  ['aws', 'us-gov-east-1', 568.2, 1],
  ['aws', 'us-gov-west-1', 297.6, 1],
  ['azure', 'eastasia', 702, 2],
  ['azure', 'southeastasia', 419, 6],
  ['azure', 'centralus', 736.6, 12],
  ['azure', 'eastus', 367.8, 1],
  ['azure', 'eastus2', 367.8, 1],
  ['azure', 'westus', 240.6, 1],
  ['azure', 'northcentralus', 568.2, 1],
  ['azure', 'southcentralus', 460.4, 1],
  ['azure', 'northeurope', 617, 10],
  ['azure', 'westeurope', 569, 10],
  ['azure', 'japanwest', 516, 4],
  ['azure', 'japaneast', 516, 4],
  ['azure', 'brazilsouth', 205, 11],
  ['azure', 'australiaeast', 802, 7],
  ['azure', 'australiasoutheast', 805, 7],
  ['azure', 'southindia', 920, 3],
  ['azure', 'centralindia', 920, 3],
  ['azure', 'westindia', 920, 3],
  ['azure', 'canadacentral', 69.3, 13],
  ['azure', 'canadaeast', 20, 8],
  ['azure', 'uksouth', 623, 10],
  ['azure', 'ukwest', 623, 10],
  ['azure', 'westus2', 297.6, 1],
  ['azure', 'koreacentral', 517, 5],
  ['azure', 'koreasouth', 517, 5],
  ['azure', 'francecentral', 105, 5],
  ['azure', 'francesouth', 105, 5],
  ['azure', 'australiacentral', 900, 5],
  ['azure', 'australiacentral2', 900, 5],
  ['azure', 'southafricanorth', 1009, 5],
  ['azure', 'southafricawest', 1009, 5],
];

// [ISO alpha-3, country_name, carbon_intensity gCO2e/kWh, year], as global_energy_mix.json has them.
const COUNTRY_ROWS: readonly (readonly [string, string, number, number])[] = [
  ['ABW', 'Aruba', 591.398, 2021],
  ['AFG', 'Afghanistan', 120.482, 2021],
  ['AGO', 'Angola', 195.983, 2021],
  ['ALB', 'Albania', 23.437, 2021],
  ['ARE', 'United Arab Emirates', 461.845, 2021],
  ['ARG', 'Argentina', 357.786, 2021],
  ['ARM', 'Armenia', 222.678, 2021],
  ['ASM', 'American Samoa', 687.5, 2021],
  ['ATG', 'Antigua and Barbuda', 657.143, 2021],
  ['AUS', 'Australia', 531.247, 2021],
  ['AUT', 'Austria', 147.573, 2021],
  ['AZE', 'Azerbaijan', 532.902, 2021],
  ['BDI', 'Burundi', 250, 2021],
  ['BEL', 'Belgium', 156.922, 2021],
  ['BEN', 'Benin', 666.667, 2021],
  ['BFA', 'Burkina Faso', 611.429, 2021],
  ['BGD', 'Bangladesh', 555.914, 2021],
  ['BGR', 'Bulgaria', 354.334, 2021],
  ['BHR', 'Bahrain', 489.77, 2021],
  ['BHS', 'Bahamas', 698.113, 2021],
  ['BIH', 'Bosnia and Herzegovina', 489.643, 2021],
  ['BLR', 'Belarus', 415.641, 2021],
  ['BLZ', 'Belize', 484.375, 2021],
  ['BOL', 'Bolivia', 312.559, 2021],
  ['BRA', 'Brazil', 158.592, 2021],
  ['BRB', 'Barbados', 644.86, 2021],
  ['BRN', 'Brunei', 658.849, 2021],
  ['BTN', 'Bhutan', 24.444, 2021],
  ['BWA', 'Botswana', 794.521, 2021],
  ['CAF', 'Central African Republic', 0, 2021],
  ['CAN', 'Canada', 128.461, 2021],
  ['CHE', 'Switzerland', 47.101, 2021],
  ['CHL', 'Chile', 416.881, 2021],
  ['CHN', 'China', 544.355, 2021],
  ['CIV', 'Cote d\'Ivoire', 410.747, 2021],
  ['CMR', 'Cameroon', 278.261, 2021],
  ['COD', 'Democratic Republic of Congo', 25.362, 2021],
  ['COG', 'Congo', 395.522, 2021],
  ['COK', 'Cook Islands', 400, 2021],
  ['COL', 'Colombia', 181.065, 2021],
  ['COM', 'Comoros', 714.286, 2021],
  ['CPV', 'Cape Verde', 600, 2021],
  ['CRI', 'Costa Rica', 33.045, 2021],
  ['CUB', 'Cuba', 602.025, 2021],
  ['CYM', 'Cayman Islands', 684.932, 2021],
  ['CYP', 'Cyprus', 599.609, 2021],
  ['CZE', 'Czechia', 405.589, 2021],
  ['DEU', 'Germany', 365.477, 2021],
  ['DJI', 'Djibouti', 666.667, 2021],
  ['DMA', 'Dominica', 529.412, 2021],
  ['DNK', 'Denmark', 221.416, 2021],
  ['DOM', 'Dominican Republic', 550.881, 2021],
  ['DZA', 'Algeria', 498.904, 2021],
  ['ECU', 'Ecuador', 155.844, 2021],
  ['EGY', 'Egypt', 464.425, 2021],
  ['ERI', 'Eritrea', 688.889, 2021],
  ['ESP', 'Spain', 193.863, 2021],
  ['EST', 'Estonia', 481.224, 2021],
  ['ETH', 'Ethiopia', 25.187, 2021],
  ['FIN', 'Finland', 145.541, 2021],
  ['FJI', 'Fiji', 289.474, 2021],
  ['FLK', 'Falkland Islands', 500, 2021],
  ['FRA', 'France', 67.39, 2021],
  ['FRO', 'Faroe Islands', 428.571, 2021],
  ['GAB', 'Gabon', 397.38, 2021],
  ['GBR', 'United Kingdom', 268.329, 2021],
  ['GEO', 'Georgia', 111.551, 2021],
  ['GHA', 'Ghana', 361.204, 2021],
  ['GIN', 'Guinea', 208.633, 2021],
  ['GMB', 'Gambia', 700, 2021],
  ['GNB', 'Guinea-Bissau', 750, 2021],
  ['GNQ', 'Equatorial Guinea', 492.958, 2021],
  ['GRC', 'Greece', 353.339, 2021],
  ['GRD', 'Grenada', 714.286, 2021],
  ['GRL', 'Greenland', 133.333, 2021],
  ['GTM', 'Guatemala', 320.637, 2021],
  ['GUM', 'Guam', 670.33, 2021],
  ['GUY', 'Guyana', 642.276, 2021],
  ['HKG', 'Hong Kong', 683.972, 2021],
  ['HND', 'Honduras', 375.104, 2021],
  ['HRV', 'Croatia', 210.979, 2021],
  ['HTI', 'Haiti', 606.061, 2021],
  ['HUN', 'Hungary', 233.037, 2021],
  ['IDN', 'Indonesia', 623.157, 2021],
  ['IND', 'India', 637.182, 2021],
  ['IRL', 'Ireland', 363.608, 2021],
  ['IRN', 'Iran', 492.678, 2021],
  ['IRQ', 'Iraq', 498.869, 2021],
  ['ISL', 'Iceland', 28.557, 2021],
  ['ISR', 'Israel', 548.03, 2021],
  ['ITA', 'Italy', 340.794, 2021],
  ['JAM', 'Jamaica', 519.54, 2021],
  ['JOR', 'Jordan', 399.909, 2021],
  ['JPN', 'Japan', 478.545, 2021],
  ['KAZ', 'Kazakhstan', 641.102, 2021],
  ['KEN', 'Kenya', 86.221, 2021],
  ['KGZ', 'Kyrgyzstan', 104.426, 2021],
  ['KHM', 'Cambodia', 400.46, 2021],
  ['KIR', 'Kiribati', 666.667, 2021],
  ['KNA', 'Saint Kitts and Nevis', 681.818, 2021],
  ['KOR', 'South Korea', 458.081, 2021],
  ['KWT', 'Kuwait', 489.61, 2021],
  ['LAO', 'Laos', 242.182, 2021],
  ['LBN', 'Lebanon', 594.752, 2021],
  ['LBR', 'Liberia', 304.348, 2021],
  ['LBY', 'Libya', 550.422, 2021],
  ['LCA', 'Saint Lucia', 685.714, 2021],
  ['LKA', 'Sri Lanka', 462.997, 2021],
  ['LSO', 'Lesotho', 20, 2021],
  ['LTU', 'Lithuania', 244.604, 2021],
  ['LUX', 'Luxembourg', 186.992, 2021],
  ['LVA', 'Latvia', 223.932, 2021],
  ['MAC', 'Macao', 491.525, 2021],
  ['MAR', 'Morocco', 610.412, 2021],
  ['MDA', 'Moldova', 638.138, 2021],
  ['MDG', 'Madagascar', 483.254, 2021],
  ['MDV', 'Maldives', 651.515, 2021],
  ['MEX', 'Mexico', 399.852, 2021],
  ['MKD', 'North Macedonia', 490.018, 2021],
  ['MLI', 'Mali', 466.077, 2021],
  ['MLT', 'Malta', 441.441, 2021],
  ['MMR', 'Myanmar', 344.365, 2021],
  ['MNE', 'Montenegro', 326.26, 2021],
  ['MNG', 'Mongolia', 741.573, 2021],
  ['MOZ', 'Mozambique', 126.633, 2021],
  ['MRT', 'Mauritania', 526.596, 2021],
  ['MSR', 'Montserrat', 1000, 2021],
  ['MUS', 'Mauritius', 611.111, 2021],
  ['MWI', 'Malawi', 133.803, 2021],
  ['MYS', 'Malaysia', 548.611, 2021],
  ['NAM', 'Namibia', 63.694, 2021],
  ['NCL', 'New Caledonia', 610.119, 2021],
  ['NER', 'Niger', 622.222, 2021],
  ['NGA', 'Nigeria', 376.987, 2021],
  ['NIC', 'Nicaragua', 354.212, 2021],
  ['NLD', 'Netherlands', 388.702, 2021],
  ['NOR', 'Norway', 27.55, 2021],
  ['NPL', 'Nepal', 24.51, 2021],
  ['NRU', 'Nauru', 750, 2021],
  ['NZL', 'New Zealand', 132.427, 2021],
  ['OMN', 'Oman', 488.238, 2021],
  ['PAK', 'Pakistan', 366.052, 2021],
  ['PAN', 'Panama', 192.136, 2021],
  ['PER', 'Peru', 230.65, 2021],
  ['PHL', 'Philippines', 580.908, 2021],
  ['PNG', 'Papua New Guinea', 526.749, 2021],
  ['POL', 'Poland', 660.122, 2021],
  ['PRI', 'Puerto Rico', 681.469, 2021],
  ['PRK', 'North Korea', 157.785, 2021],
  ['PRT', 'Portugal', 219.053, 2021],
  ['PRY', 'Paraguay', 25.487, 2021],
  ['PSE', 'Palestine', 465.116, 2021],
  ['PYF', 'French Polynesia', 471.429, 2021],
  ['QAT', 'Qatar', 489.792, 2021],
  ['ROU', 'Romania', 255.877, 2021],
  ['RUS', 'Russia', 359.937, 2021],
  ['RWA', 'Rwanda', 294.118, 2021],
  ['SAU', 'Saudi Arabia', 571.336, 2021],
  ['SDN', 'Sudan', 264.014, 2021],
  ['SEN', 'Senegal', 523.132, 2021],
  ['SGP', 'Singapore', 487.937, 2021],
  ['SLB', 'Solomon Islands', 727.273, 2021],
  ['SLE', 'Sierra Leone', 47.619, 2021],
  ['SLV', 'El Salvador', 185.976, 2021],
  ['SOM', 'Somalia', 634.146, 2021],
  ['SPM', 'Saint Pierre and Miquelon', 800, 2021],
  ['SRB', 'Serbia', 543.565, 2021],
  ['SSD', 'South Sudan', 684.211, 2021],
  ['STP', 'Sao Tome and Principe', 600, 2021],
  ['SUR', 'Suriname', 356.436, 2021],
  ['SVK', 'Slovakia', 169.589, 2021],
  ['SVN', 'Slovenia', 238.614, 2021],
  ['SWE', 'Sweden', 45.817, 2021],
  ['SWZ', 'Eswatini', 189.189, 2021],
  ['SYC', 'Seychelles', 615.385, 2021],
  ['SYR', 'Syria', 541.169, 2021],
  ['TCA', 'Turks and Caicos Islands', 703.704, 2021],
  ['TCD', 'Chad', 677.419, 2021],
  ['TGO', 'Togo', 460.317, 2021],
  ['THA', 'Thailand', 506.635, 2021],
  ['TJK', 'Tajikistan', 83.629, 2021],
  ['TKM', 'Turkmenistan', 490.187, 2021],
  ['TLS', 'East Timor', 698.113, 2021],
  ['TON', 'Tonga', 625, 2021],
  ['TTO', 'Trinidad and Tobago', 491.409, 2021],
  ['TUN', 'Tunisia', 468.227, 2021],
  ['TUR', 'Turkey', 430.401, 2021],
  ['TWN', 'Taiwan', 573.275, 2021],
  ['TZA', 'Tanzania', 366.748, 2021],
  ['UGA', 'Uganda', 52.273, 2021],
  ['UKR', 'Ukraine', 240.175, 2021],
  ['URY', 'Uruguay', 147.282, 2021],
  ['USA', 'United States', 379.26, 2021],
  ['UZB', 'Uzbekistan', 505.405, 2021],
  ['VCT', 'Saint Vincent and the Grenadines', 500, 2021],
  ['VEN', 'Venezuela', 212.476, 2021],
  ['VGB', 'British Virgin Islands', 714.286, 2021],
  ['VIR', 'United States Virgin Islands', 685.714, 2021],
  ['VNM', 'Vietnam', 448.217, 2021],
  ['VUT', 'Vanuatu', 571.429, 2021],
  ['WSM', 'Samoa', 470.588, 2021],
  ['YEM', 'Yemen', 543.909, 2021],
  ['ZAF', 'South Africa', 715.681, 2021],
  ['ZMB', 'Zambia', 84.698, 2021],
  ['ZWE', 'Zimbabwe', 392.279, 2021],
];

/** Intensity per cloud region, keyed `provider:region` (`gcp:europe-west1`). */
export const CLOUD_REGION_INTENSITY: ReadonlyMap<string, GridIntensityEntry> = new Map(
  CLOUD_ROWS.map(([provider, region, gramsPerKwh, source]) => [`${provider}:${region}`, { gramsPerKwh, source: CLOUD_SOURCES[source] as string, year: null }]),
);

/** Intensity per country, keyed by ISO 3166-1 alpha-3 code (`FRA`), with the country's name. */
export const COUNTRY_INTENSITY: ReadonlyMap<string, GridIntensityEntry & { readonly country: string }> = new Map(
  COUNTRY_ROWS.map(([iso, country, gramsPerKwh, year]) => [iso, { gramsPerKwh, source: GRID_INTENSITY_PROVENANCE.countrySource, year, country }]),
);
