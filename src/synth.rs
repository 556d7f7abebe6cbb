//! Deterministic synthetic print-view articles for demos and benchmarks (`archive seed`).
//!
//! Every person, organization, outlet and quote is invented. The output depends only on
//! `(seed, index)` and on this file: the PRNG lives here so that a dependency upgrade can never
//! change a seeded corpus. The entity pools do not depend on the seed, so the same person or
//! organization index is the same entity in every corpus and people recur across articles.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::OnceLock;

use crate::domain::OrgKind;

/// One generated article: the print-view text and what it contains, for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The print view, laid out like the reference document.
    pub text: String,
    /// Canonical (full) names of the people named in the body, in order of first mention.
    pub people: Vec<String>,
    /// The title each entry of `people` carries in this article ("Defense Minister").
    pub people_titles: Vec<&'static str>,
    /// Canonical names of the organizations named in the body, in order of first mention.
    pub organizations: Vec<String>,
    /// Acronym of each entry of `organizations`, if it has one.
    pub organization_acronyms: Vec<Option<&'static str>>,
    /// Kind of each entry of `organizations`.
    pub organization_kinds: Vec<OrgKind>,
    /// Every real quote of the body (non-speech quoted words are not here).
    pub quotes: Vec<GeneratedQuote>,
    /// The title line.
    pub title: String,
    /// Published date as (year, month, day).
    pub date: (i32, u32, u32),
    /// Section path: empty, a top section, or a top section and a subsection.
    pub section: Vec<&'static str>,
    /// Outlets of the sources line as written ("All national papers" included).
    pub sources: Vec<&'static str>,
    /// Print page from the sources line.
    pub page: Option<u32>,
    /// "JMH Translation", "JMH Summary" or none.
    pub kind: Option<&'static str>,
    /// Byline author, if any (never in `people` unless also named in the body).
    pub byline: Option<&'static str>,
    /// Dateline place opening the body ("BEIJING", "Naha, Okinawa Pref.").
    pub dateline: Option<&'static str>,
    /// Whether the body ends with "(Abridged)".
    pub abridged: bool,
}

/// A quote of a generated article, exactly as written between the quotation marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedQuote {
    /// The exact characters between “ and ”.
    pub text: String,
    /// Canonical person or organization name of the speaker, when named.
    pub speaker: Option<String>,
    /// The unnamed source as written ("A senior government source"), when not named.
    pub speaker_description: Option<String>,
}

/// The section tree articles are filed under: top sections and their subsections.
pub const SECTIONS: &[(&str, &[&str])] = &[
    ("POLITICS", &["Diet", "Elections", "Local Government"]),
    ("SECURITY", &["Okinawa", "Defense", "Cyber"]),
    (
        "INTERNATIONAL",
        &[
            "East Asia & Pacific",
            "Americas",
            "Europe",
            "Middle East & Africa",
        ],
    ),
    ("ECONOMY", &["Trade", "Energy", "Finance", "Industry"]),
    ("SOCIETY", &["Education", "Health", "Disasters"]),
    ("SCIENCE & TECHNOLOGY", &["Space", "Digital", "Environment"]),
    ("OPINION", &["Editorials", "Columns"]),
    ("CULTURE", &["Arts", "Sports", "Travel"]),
];

/// Number of people who appear in article bodies (pool indexes `0..PEOPLE`).
pub const PEOPLE: usize = 2000;
/// Reporters used only in bylines, kept apart so bylines never collide with body people.
const REPORTERS: usize = 100;

/// Deterministic: the same (seed, index) always gives the same article; independent per index
/// so generation can be split across threads.
pub fn generate(seed: u64, index: u64) -> Generated {
    build(seed, index).0
}

// ---------------------------------------------------------------------------------------------
// PRNG: splitmix64, written here so that seeded corpora never change with a crate version.

struct Rng(u64);

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` by multiply-high, which avoids modulo bias cheaply.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

// ---------------------------------------------------------------------------------------------
// Entity pools, built once and shared by all threads.

struct Person {
    name: String,
    family: String,
    title: &'static str,
    female: bool,
}

struct Org {
    name: String,
    acronym: Option<String>,
    /// Whether running text puts "the" before the name.
    the: bool,
    kind: OrgKind,
}

struct Pools {
    people: Vec<Person>,
    people_cdf: Vec<f64>,
    /// Non-outlet organizations first, then the outlets (`outlets_start..`).
    orgs: Vec<Org>,
    orgs_cdf: Vec<f64>,
    outlets_start: usize,
}

static POOLS: OnceLock<Pools> = OnceLock::new();

fn pools() -> &'static Pools {
    POOLS.get_or_init(build_pools)
}

const JP_FAMILY_A: &[&str] = &[
    "Ta", "Ka", "Mo", "Hi", "Ya", "Su", "Ki", "No", "Ao", "Shi", "Fu", "Ma", "Ha", "Ku", "Se", "O",
    "I", "To", "Mi", "Ko",
];
const JP_FAMILY_B: &[&str] = &[
    "nabe", "mura", "saki", "hara", "kawa", "yama", "moto", "zawa", "gishi", "oka", "ta", "kura",
    "matsu", "hashi", "shima", "tani", "guchi", "zaki",
];
const JP_GIVEN_M: &[&str] = &[
    "Koichi", "Haruto", "Kenji", "Takumi", "Ryosuke", "Daisuke", "Shota", "Masaki", "Yusuke",
    "Tetsuya", "Hiroki", "Kazuma", "Noboru", "Seiji", "Akio", "Junpei", "Makoto", "Isamu",
];
const JP_GIVEN_F: &[&str] = &[
    "Emiko", "Haruka", "Yumi", "Naoko", "Sayaka", "Rie", "Kaori", "Midori", "Asami", "Tomoko",
];
const CN_FAMILY: &[&str] = &[
    "Liu", "Zhao", "Sun", "Gao", "Lin", "Huang", "Zhou", "Luo", "Tang", "Feng", "Cao", "Shen",
    "Pan", "Du", "Yuan", "Fang", "Xu", "Ma",
];
const CN_GIVEN_A: &[&str] = &[
    "Wei", "Jian", "Hong", "Xiao", "Yu", "Zhi", "Guo", "Hai", "Ming", "Chun", "Lei", "Jia",
];
const CN_GIVEN_B: &[&str] = &[
    "ming", "hua", "feng", "jun", "lin", "tao", "qiang", "bo", "yan", "ning", "rui", "dong",
];
const KR_FAMILY: &[&str] = &[
    "Park", "Choi", "Jung", "Kang", "Cho", "Han", "Shin", "Seo", "Kwon", "Hwang", "Ahn", "Song",
    "Yoo", "Jang", "Baek",
];
const KR_GIVEN_A: &[&str] = &[
    "Jae", "Min", "Seo", "Ji", "Hyun", "Sung", "Dong", "Young", "Eun", "Tae",
];
const KR_GIVEN_B: &[&str] = &[
    "hoon", "woo", "jin", "ah", "seok", "ho", "yeon", "soo", "bin", "kyung",
];
const WEST_GIVEN_M: &[&str] = &[
    "Henrik", "Tobias", "Victor", "Rupert", "Felix", "Anton", "Marcus", "Julian", "Oskar",
    "Damien", "Graham", "Lucas",
];
const WEST_GIVEN_F: &[&str] = &[
    "Marion", "Clara", "Elise", "Nadia", "Ingrid", "Lorna", "Greta", "Sylvie", "Helena", "Maren",
    "Odile", "Fiona",
];
const WEST_FAMILY_A: &[&str] = &[
    "Kel", "Bran", "Hol", "Wes", "Dun", "Mar", "Ash", "Fen", "Lind", "Stra", "Cor", "Whit", "Har",
    "Bel",
];
const WEST_FAMILY_B: &[&str] = &[
    "ler", "dt", "ford", "brook", "ton", "ley", "ner", "wick", "ham", "mann", "by", "strom",
];

const JP_TITLES: &[&str] = &[
    "Prime Minister",
    "Defense Minister",
    "Foreign Minister",
    "Chief Cabinet Secretary",
    "Okinawa Governor",
    "Economy Minister",
    "Finance Minister",
    "Ambassador",
    "Lt. Col.",
    "Col.",
    "Gen.",
    "Vice Defense Minister",
    "Nago Mayor",
    "Trade Minister",
    "Digital Minister",
    "Upper House member",
    "Lower House member",
    "Osaka Governor",
];
const CN_TITLES: &[&str] = &[
    "Chinese Foreign Minister",
    "Chinese Defense Minister",
    "Chinese Ambassador to Japan",
    "Chinese Foreign Ministry spokesperson",
    "Chinese Vice Premier",
    "Chinese Commerce Minister",
    "Chinese Maj. Gen.",
];
const KR_TITLES: &[&str] = &[
    "South Korean Foreign Minister",
    "South Korean Defense Minister",
    "South Korean Ambassador to Japan",
    "North Korean Vice Foreign Minister",
    "South Korean Unification Minister",
    "South Korean Trade Minister",
];
const WEST_TITLES: &[&str] = &[
    "U.S. Ambassador to Japan",
    "U.S. Secretary of State",
    "U.S. Defense Secretary",
    "Australian Foreign Minister",
    "British Ambassador",
    "President",
    "French Foreign Minister",
    "Lt. Gen.",
    "Ambassador",
    "U.S. Trade Representative",
];

const MINISTRY_SUBJECTS: &[&str] = &[
    "Coastal Affairs",
    "Digital Policy",
    "Regional Revitalization",
    "Maritime Resources",
    "Energy Transition",
    "Disaster Resilience",
    "Rural Infrastructure",
    "Water Security",
    "Space Development",
    "Population Strategy",
    "Northern Development",
    "Island Affairs",
    "Public Safety Coordination",
    "Food Security",
    "Cyber Resilience",
    "Industrial Renewal",
    "Trade Facilitation",
    "Climate Adaptation",
    "Health Preparedness",
    "Labor Mobility",
    "Border Logistics",
    "Ocean Research",
    "Civil Aviation Safety",
    "Forest Management",
    "Youth Employment",
    "Housing Renewal",
    "Veterans Support",
    "Export Promotion",
];
const PARTY_A: &[&str] = &[
    "Green",
    "Civic",
    "Harmony",
    "Future",
    "Coastal",
    "Unity",
    "Renewal",
    "Frontier",
    "Citizens",
    "Forward",
    "Heartland",
    "Bright",
];
const PARTY_B: &[&str] = &[
    "Reform", "Alliance", "Union", "Action", "Path", "Dawn", "Covenant", "Horizon",
];
const COMPANY_A: &[&str] = &[
    "Hoshizora",
    "Kitamura",
    "Aokumo",
    "Shirakawa",
    "Tsubame",
    "Minato",
    "Kazehana",
    "Isoda",
    "Yamabuki",
    "Kurofune",
    "Sakuragi",
    "Tenryu",
];
const COMPANY_B: &[&str] = &[
    "Heavy Industries",
    "Electric",
    "Logistics",
    "Holdings",
    "Shipbuilding",
    "Semiconductor",
    "Motors",
    "Trading",
    "Pharma",
    "Energy",
];
const INTL_A: &[&str] = &[
    "Pacific",
    "Asia",
    "Indo-Pacific",
    "Northern",
    "Eurasian",
    "Mekong",
    "Coral Sea",
    "Arctic",
];
const INTL_B: &[&str] = &[
    "Maritime",
    "Energy",
    "Trade",
    "Health",
    "Fisheries",
    "Security",
    "Development",
    "Climate",
];
const INTL_C: &[&str] = &[
    "Council",
    "Forum",
    "Organization",
    "Commission",
    "Initiative",
];
const MIL_A: &[&str] = &[
    "Southern", "Northern", "Western", "Eastern", "Central", "Joint", "Island", "Coastal",
];
const MIL_B: &[&str] = &[
    "Air Defense Command",
    "Littoral Regiment",
    "Maritime Guard Force",
    "Amphibious Brigade",
    "Fleet Command",
    "Missile Battalion",
];
const OTHER_A: &[&str] = &[
    "Harwick",
    "Lindqvist",
    "Sorano",
    "Ellery",
    "Kanemoto",
    "Brightwater",
    "Oshiro",
    "Vellan",
];
const OTHER_B: &[&str] = &[
    "Institute for Strategic Studies",
    "Foundation for Peace Research",
    "Center for Energy Policy",
    "Association of Fisheries Cooperatives",
];
const OUTLETS: &[&str] = &[
    "Kaiyo Shimbun",
    "Tohoku Times",
    "Hokkai Daily",
    "Minami Nippo",
    "Chubu Herald",
    "Setouchi Shimpo",
    "Kanto Evening Post",
    "Sanriku Shimbun",
    "Nansei Times",
    "Kyushu Chronicle",
    "Hanshin Daily",
    "Ryuhoku Shimpo",
    "Seikai Economic Journal",
    "Akatsuki Weekly",
    "Fuyo Shimbun",
    "Kogane Daily",
    "Yamato Business Daily",
    "Ryuo Times",
    "Nishikaze Shimbun",
    "Higashi Post",
    "Kitaguni Herald",
    "Umikaze Shimpo",
    "Shiokaze Times",
    "Hayate Press",
    "Tokiwa Journal",
    "Hoshi TV",
    "Kaiyo TV",
    "Midori TV",
    "Nami TV",
    "Tokiwa TV",
];
/// Outlets of the pool that are broadcasters (the last five), for "All national papers , TV".
const TV_OUTLETS: usize = 5;

/// Acronyms of real bodies that an invented organization must not take.
const REAL_ACRONYMS: &[&str] = &[
    "LDP", "CCP", "EU", "UN", "US", "UK", "SDF", "NHK", "PLA", "NATO", "WHO", "IMF", "WTO", "APEC",
    "CDP", "DPP", "JCP", "ADB", "IAEA", "OECD", "CIA", "FBI", "NSC", "JMH", "FTC", "GSDF", "MSDF",
    "ASDF", "IEA", "PIF", "ARF", "NRA", "JSDF",
];

fn acronym_of(name: &str) -> String {
    name.split([' ', '-'])
        .filter(|w| !matches!(*w, "of" | "for" | "and" | "the"))
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_uppercase)
        .collect()
}

fn zipf_cdf(n: usize, offset: f64) -> Vec<f64> {
    let mut acc = 0.0;
    (0..n)
        .map(|i| {
            acc += 1.0 / (i as f64 + offset);
            acc
        })
        .collect()
}

fn sample_cdf(cdf: &[f64], rng: &mut Rng) -> usize {
    let total = cdf[cdf.len() - 1];
    let u = rng.unit() * total;
    cdf.partition_point(|&c| c <= u).min(cdf.len() - 1)
}

fn build_people() -> Vec<Person> {
    let mut rng = Rng(0x7065_6F70_6C65);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(PEOPLE + REPORTERS);
    while out.len() < PEOPLE + REPORTERS {
        let style = rng.below(100);
        let female = rng.chance(30);
        let (name, family, titles) = match style {
            0..45 => {
                let family = format!("{}{}", rng.pick(JP_FAMILY_A), rng.pick(JP_FAMILY_B));
                let given = rng.pick(if female { JP_GIVEN_F } else { JP_GIVEN_M });
                (format!("{family} {given}"), family, JP_TITLES)
            }
            45..65 => {
                let family = rng.pick(CN_FAMILY).to_string();
                let given = format!("{}{}", rng.pick(CN_GIVEN_A), rng.pick(CN_GIVEN_B));
                (format!("{family} {given}"), family, CN_TITLES)
            }
            65..80 => {
                let family = rng.pick(KR_FAMILY).to_string();
                let given = format!("{}-{}", rng.pick(KR_GIVEN_A), rng.pick(KR_GIVEN_B));
                (format!("{family} {given}"), family, KR_TITLES)
            }
            _ => {
                let family = format!("{}{}", rng.pick(WEST_FAMILY_A), rng.pick(WEST_FAMILY_B));
                let given = rng.pick(if female { WEST_GIVEN_F } else { WEST_GIVEN_M });
                (format!("{given} {family}"), family, WEST_TITLES)
            }
        };
        if !seen.insert(name.clone()) {
            continue;
        }
        let title = rng.pick(titles);
        out.push(Person {
            name,
            family,
            title,
            female,
        });
    }
    out
}

/// Shuffles all combinations of two part lists and keeps `take` of them whose acronym (when
/// wanted) is new, so that acronyms identify organizations unambiguously.
struct OrgBuilder {
    rng: Rng,
    orgs: Vec<Org>,
    acronyms: HashSet<String>,
}

impl OrgBuilder {
    fn add(&mut self, mut names: Vec<String>, take: usize, kind: OrgKind, acronym_percent: usize) {
        for i in (1..names.len()).rev() {
            let j = self.rng.below(i + 1);
            names.swap(i, j);
        }
        let mut taken = 0;
        for name in names {
            if taken == take {
                break;
            }
            let acronym = if self.rng.chance(acronym_percent) {
                let a = acronym_of(&name);
                if a.len() < 3 || REAL_ACRONYMS.contains(&a.as_str()) || self.acronyms.contains(&a)
                {
                    continue;
                }
                self.acronyms.insert(a.clone());
                Some(a)
            } else {
                None
            };
            let the = !matches!(kind, OrgKind::Company);
            self.orgs.push(Org {
                name,
                acronym,
                the,
                kind,
            });
            taken += 1;
        }
    }
}

fn combos(a: &[&str], b: &[&str], f: impl Fn(&str, &str) -> String) -> Vec<String> {
    a.iter()
        .flat_map(|x| b.iter().map(|y| f(x, y)))
        .collect::<Vec<_>>()
}

fn build_pools() -> Pools {
    let people = build_people();
    let mut b = OrgBuilder {
        rng: Rng(0x6F72_6773),
        orgs: Vec::new(),
        acronyms: HashSet::new(),
    };
    let ministries = MINISTRY_SUBJECTS
        .iter()
        .map(|s| format!("Ministry of {s}"))
        .collect();
    b.add(ministries, 28, OrgKind::Government, 80);
    let agencies = MINISTRY_SUBJECTS
        .iter()
        .map(|s| format!("{s} Agency"))
        .collect();
    b.add(agencies, 22, OrgKind::Government, 60);
    let parties = combos(PARTY_A, PARTY_B, |x, y| format!("{x} {y} Party"));
    b.add(parties, 40, OrgKind::Party, 100);
    let companies = combos(COMPANY_A, COMPANY_B, |x, y| format!("{x} {y}"));
    b.add(companies, 60, OrgKind::Company, 0);
    let mut intl = Vec::new();
    for a in INTL_A {
        intl.extend(combos(&[*a], INTL_B, |x, y| {
            // The body word varies with the pair so that names do not all end alike.
            let c = INTL_C[(x.len() + y.len()) % INTL_C.len()];
            format!("{x} {y} {c}")
        }));
    }
    b.add(intl, 50, OrgKind::International, 90);
    let mil = combos(MIL_A, MIL_B, |x, y| format!("{x} {y}"));
    b.add(mil, 30, OrgKind::Military, 40);
    let other = combos(OTHER_A, OTHER_B, |x, y| format!("{x} {y}"));
    b.add(other, 20, OrgKind::Other, 0);
    let mut orgs = b.orgs;
    let outlets_start = orgs.len();
    orgs.extend(OUTLETS.iter().map(|o| Org {
        name: (*o).to_string(),
        acronym: None,
        the: !o.ends_with(" TV"),
        kind: OrgKind::Media,
    }));
    Pools {
        people_cdf: zipf_cdf(PEOPLE, 3.0),
        people,
        orgs_cdf: zipf_cdf(outlets_start, 2.0),
        orgs,
        outlets_start,
    }
}

// ---------------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, days since 1970-01-01).

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m as u32, d as u32)
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// The wire-style month abbreviations the translations use in running text ("Feb. 27").
const MONTHS_AP: &[&str] = &[
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];

// ---------------------------------------------------------------------------------------------
// Vocabulary and templates. Markers: #P person, #O organization, #W outlet, #C country,
// #K another country, #Y city, #Z another city, #T topic, #D date phrase, #N number,
// #F main person's family name (titles only, not a mention).

const COUNTRIES: &[&str] = &[
    "China",
    "the U.S.",
    "South Korea",
    "Taiwan",
    "Russia",
    "Australia",
    "India",
    "the Philippines",
    "Vietnam",
    "France",
    "Germany",
    "the UK",
    "North Korea",
    "Indonesia",
    "Canada",
];
const CITIES: &[&str] = &[
    "Tokyo",
    "Beijing",
    "Seoul",
    "Washington",
    "Naha",
    "Manila",
    "Canberra",
    "Taipei",
    "Moscow",
    "Brussels",
    "Osaka",
    "Hanoi",
    "New Delhi",
    "Singapore",
    "Sapporo",
    "Fukuoka",
    "Nago",
];

struct Theme {
    topics: &'static [&'static str],
    /// (top, sub) indexes into `SECTIONS`.
    sections: &'static [(usize, usize)],
    /// (as written before the body text, place).
    datelines: &'static [(&'static str, &'static str)],
}

const THEMES: &[Theme] = &[
    Theme {
        topics: &[
            "defense",
            "the bases",
            "missile defense",
            "maritime security",
            "the Senkaku Islands",
            "the Taiwan Strait",
            "cyber defense",
            "the alliance",
            "deterrence",
            "the relocation of the Futenma base",
            "defense spending",
        ],
        sections: &[(1, 0), (1, 1), (1, 2), (0, 0)],
        datelines: &[
            ("Naha, Okinawa Pref. -- ", "Naha, Okinawa Pref."),
            ("Nago, Okinawa Pref. -- ", "Nago, Okinawa Pref."),
            ("TOKYO — ", "TOKYO"),
        ],
    },
    Theme {
        topics: &[
            "Taiwan",
            "the summit",
            "the North Korean nuclear program",
            "regional stability",
            "human rights",
            "sanctions",
            "the abduction issue",
            "Ukraine",
            "the territorial dispute",
        ],
        sections: &[(2, 0), (2, 1), (2, 2), (2, 3)],
        datelines: &[
            ("BEIJING — ", "BEIJING"),
            ("SEOUL — ", "SEOUL"),
            ("WASHINGTON — ", "WASHINGTON"),
            ("MANILA — ", "MANILA"),
            ("TAIPEI — ", "TAIPEI"),
            ("BRUSSELS — ", "BRUSSELS"),
        ],
    },
    Theme {
        topics: &[
            "trade",
            "tariffs",
            "supply chains",
            "semiconductors",
            "the yen",
            "wages",
            "inflation",
            "exports",
            "rare earths",
        ],
        sections: &[(3, 0), (3, 2), (3, 3)],
        datelines: &[("TOKYO — ", "TOKYO"), ("WASHINGTON — ", "WASHINGTON")],
    },
    Theme {
        topics: &[
            "energy",
            "nuclear power",
            "natural gas imports",
            "renewable energy",
            "climate",
            "decarbonization",
            "electricity prices",
            "offshore wind",
        ],
        sections: &[(3, 1), (5, 2)],
        datelines: &[("TOKYO — ", "TOKYO")],
    },
    Theme {
        topics: &[
            "constitutional revision",
            "the budget",
            "political funding",
            "the election",
            "the Diet session",
            "administrative reform",
            "population decline",
        ],
        sections: &[(0, 0), (0, 1), (0, 2), (6, 0), (6, 1)],
        datelines: &[("TOKYO — ", "TOKYO")],
    },
    Theme {
        topics: &[
            "disaster preparedness",
            "public health",
            "education",
            "tourism",
            "child care",
            "the aging population",
            "space exploration",
            "artificial intelligence",
        ],
        sections: &[
            (4, 0),
            (4, 1),
            (4, 2),
            (5, 0),
            (5, 1),
            (7, 0),
            (7, 1),
            (7, 2),
        ],
        datelines: &[("TOKYO — ", "TOKYO"), ("Sapporo -- ", "Sapporo")],
    },
];

const PERSON_SENT: &[&str] = &[
    "#P met with officials from #C in #Y #D to discuss #T.",
    "#P is scheduled to visit #Y next month for talks on #T.",
    "#P has made #T a priority since taking office.",
    "#P held talks with #O #D.",
    "#P spoke with reporters in #Y after a meeting on #T.",
    "#P visited #Y #D and inspected facilities related to #T.",
    "#P attended a meeting of #O in #Y.",
    "#P has faced criticism over the handling of #T.",
    "#P expressed concern about the situation in #C.",
    "#P is expected to raise the issue of #T with #C.",
    "#P returned to Tokyo #D after a three-day trip to #C.",
];
const ORG_SENT: &[&str] = &[
    "#O announced plans to expand its work on #T.",
    "Officials from #O met with counterparts from #C in #Y #D.",
    "#O has been criticized over its handling of #T.",
    "#O is expected to submit a report on #T by the end of the month.",
    "#O will hold a meeting in #Y next week to discuss #T.",
    "The proposal was drafted by #O after months of consultations.",
    "#O said that it would review its guidelines on #T.",
];
const GENERAL_SENT: &[&str] = &[
    "#C and #K have stepped up consultations on #T.",
    "#Y and #Z have long differed over #T.",
    "The issue of #T is likely to be taken up at the next summit.",
    "Government officials are wary of the impact on #T.",
    "Public opinion polls show rising concern over #T.",
    "The government plans to allocate about #N billion yen for #T in the next fiscal year.",
    "Japan’s relations with #C have been strained over #T.",
    "Experts say the debate over #T will continue for some time.",
    "Tensions have risen in the region since #C announced new measures on #T.",
    "About #N people gathered in #Y #D to protest against the plan.",
    "The talks in #Y ended without a joint statement.",
    "The government will compile a package of measures on #T by the summer.",
];
const OUTLET_SENT: &[&str] = &[
    "A government source told #W #D that the plan was under review.",
    "#W reported #D that #C was considering new measures on #T.",
    "According to #W, the talks on #T are expected to resume next month.",
    "#W said that the cabinet would approve the plan #D.",
];
const SPEECH: &[&str] = &[
    "We will continue to work closely with #C on #T.",
    "There is no change in our position on #T.",
    "The situation surrounding #T has become more severe than ever.",
    "We must not allow any unilateral change to the status quo.",
    "Japan will respond calmly and firmly.",
    "I want to make #T a pillar of our policy.",
    "It is important to keep dialogue open with #C.",
    "Our government takes #T very seriously.",
    "We have no intention of changing course on #T.",
    "This is a matter that directly affects the lives of the people of #Y.",
    "We strongly urge #C to act responsibly.",
    "The talks on #T were frank and constructive.",
    "We will make every effort to reach an agreement by the end of the year.",
    "I cannot comment on the details of #T at this stage.",
    "Cooperation on #T is in the interest of both countries.",
    "The people of #Y deserve a clear explanation.",
    "We will not hesitate to take the necessary measures.",
    "Costs related to #T are rising faster than expected.",
    "Is there really any need to rush the decision on #T?",
    "Nobody in #Y wants to see the tension escalate.",
    "We expect #C to play a constructive role on #T.",
];
const FRAGMENTS: &[&str] = &[
    "closer coordination with #C on #T",
    "a swift review of the rules on #T",
    "the proper handling of #T",
    "restraint from all parties",
    "an early resumption of talks on #T",
    "a stable supply of energy",
    "transparency on #T",
    "concrete steps to reduce the burden on #Y",
    "a peaceful resolution through dialogue",
    "stronger cooperation with #C on #T",
    "the protection of the rule of law at sea",
    "a careful explanation to the public",
];
/// Carry-over cues, and whether they take a verb phrase ("gave instructions to ...").
const CARRY_CUES: &[(&str, bool)] = &[
    (" also called for “", false),
    (" also gave instructions to “", true),
    (" also stressed the need for “", false),
    (" also urged “", false),
    (" also vowed to “", true),
];
const VERB_FRAGMENTS: &[&str] = &[
    "strengthen cooperation with #C on #T",
    "review the rules on #T without delay",
    "ensure a stable supply of energy",
    "support #C in terms of #T",
    "explain the government’s position on #T to the public",
    "prepare for every contingency",
];
const FRAGMENT_CUES: &[&str] = &[
    " called for “",
    " urged “",
    " stressed the need for “",
    " asked for “",
];
const UNNAMED: &[&str] = &[
    "A senior government source",
    "A diplomatic source in Beijing",
    "A diplomatic source in Seoul",
    "A source close to the prime minister",
    "A senior ruling party lawmaker",
    "A government source familiar with the talks",
    "An aide to the governor",
    "A U.S. official",
    "A Chinese government source",
    "A senior official at the prime minister’s office",
];
const BOOKS: &[&str] = &[
    "The Quiet Harbor",
    "Beyond the Strait",
    "Tides of Power",
    "A Map of Small Islands",
    "The Long Negotiation",
];
const MISSILES: &[&str] = &["Sky Lance", "Thunder Reef", "Blue Falcon", "Storm Petrel"];
const SCARES: &[&str] = &["wolf warrior", "checkbook", "gray zone", "smile"];
const TITLES: &[&str] = &[
    "#F vows to strengthen #T",
    "#F calls for progress on #T",
    "Gov’t to review #T policy",
    "#C, Japan agree to resume talks on #T",
    "Concerns grow over #T in #Y",
    "#F, #C counterpart discuss #T",
    "Poll: majority worried about #T",
];
const NAV: &[&[&str]] = &[
    &["Ambassador", "Ukraine", "COVID-19", "Trending Japan"],
    &["Ambassador", "G7 Summit", "Ukraine"],
    &["Ambassador", "Ukraine", "Trending Japan"],
    &["Ambassador", "COVID-19", "Trending Japan"],
];

/// Quote attribution forms; each article draws from all of them.
#[derive(Clone, Copy)]
enum Form {
    SaidComma,
    QuoteXSaid,
    QuoteSaidX,
    SaidColon,
    Tweeted,
    AccordingTo,
    QuotedAsSaying,
    ToldReporters,
    PronounCarry,
    Fragments,
    Unnamed,
    OrgStatement,
}

const FORMS: &[Form] = &[
    Form::SaidComma,
    Form::QuoteXSaid,
    Form::QuoteSaidX,
    Form::SaidColon,
    Form::Tweeted,
    Form::AccordingTo,
    Form::QuotedAsSaying,
    Form::ToldReporters,
    Form::PronounCarry,
    Form::Fragments,
    Form::Unnamed,
    Form::OrgStatement,
];

#[derive(Clone, Copy)]
enum Speaker {
    Person(usize),
    Org(usize),
    Unnamed(&'static str),
}

// ---------------------------------------------------------------------------------------------
// Article writer.

struct Writer {
    rng: Rng,
    pools: &'static Pools,
    theme: &'static Theme,
    /// Body text being written (also used as scratch for the title).
    out: String,
    day: i64,
    cast: Vec<usize>,
    org_cast: Vec<usize>,
    cur_person: usize,
    cur_org: usize,
    last_country: &'static str,
    last_city: &'static str,
    people: Vec<usize>,
    orgs: Vec<usize>,
    quotes: Vec<GeneratedQuote>,
    /// A short named fragment quote the title may repeat, as real titles do.
    title_quote: Option<(usize, String)>,
    /// Bit per `Form` used, for tests.
    forms: u16,
    /// Templates already used in this article, so that sentences do not repeat verbatim.
    used: Vec<&'static str>,
    /// Whether `#T` may leave the article's theme (not in titles, which must stay on topic).
    any_topic: bool,
    non_speech_done: bool,
}

impl Writer {
    fn push_num(&mut self, n: usize) {
        let _ = write!(self.out, "{n}");
    }

    /// Uppercases the first letter of the sentence started at `pos` ("the GRP" -> "The GRP").
    fn cap_at(&mut self, pos: usize) {
        if let Some(s) = self.out.get_mut(pos..pos + 1) {
            s.make_ascii_uppercase();
        }
    }

    fn person_ref(&mut self, p: usize) {
        let person = &self.pools.people[p];
        if self.people.contains(&p) {
            self.out.push_str(&person.family);
        } else {
            self.out.push_str(person.title);
            self.out.push(' ');
            self.out.push_str(&person.name);
            self.people.push(p);
        }
    }

    fn org_ref(&mut self, o: usize) {
        let org = &self.pools.orgs[o];
        if org.the {
            self.out.push_str("the ");
        }
        let first = !self.orgs.contains(&o);
        match (&org.acronym, first) {
            (Some(a), false) => self.out.push_str(a),
            (Some(a), true) => {
                self.out.push_str(&org.name);
                self.out.push_str(" (");
                self.out.push_str(a);
                self.out.push(')');
            }
            (None, _) => self.out.push_str(&org.name),
        }
        if first {
            self.orgs.push(o);
        }
    }

    fn date_phrase(&mut self) {
        let back = self.rng.below(4) as i64;
        let (_, m, d) = civil_from_days(self.day - back);
        self.out.push_str("on ");
        self.out.push_str(MONTHS_AP[m as usize - 1]);
        self.out.push(' ');
        self.push_num(d as usize);
    }

    fn expand(&mut self, tpl: &str) {
        let mut rest = tpl;
        while let Some(i) = rest.find('#') {
            self.out.push_str(&rest[..i]);
            let code = rest.as_bytes().get(i + 1).copied().unwrap_or(b' ');
            rest = rest.get(i + 2..).unwrap_or("");
            match code {
                b'P' => self.person_ref(self.cur_person),
                b'O' => self.org_ref(self.cur_org),
                b'W' => {
                    let o = self.pools.outlets_start + self.rng.below(OUTLETS.len());
                    self.org_ref(o);
                }
                b'C' => {
                    self.last_country = self.rng.pick(COUNTRIES);
                    self.out.push_str(self.last_country);
                }
                b'K' => {
                    let mut c = self.rng.pick(COUNTRIES);
                    if c == self.last_country {
                        c = "Japan";
                    }
                    self.out.push_str(c);
                }
                b'Y' => {
                    self.last_city = self.rng.pick(CITIES);
                    self.out.push_str(self.last_city);
                }
                b'Z' => {
                    let mut c = self.rng.pick(CITIES);
                    if c == self.last_city {
                        c = "Tokyo";
                        if c == self.last_city {
                            c = "Washington";
                        }
                    }
                    self.out.push_str(c);
                }
                b'T' => {
                    // Mostly the article's theme, sometimes any theme, for search variety.
                    let theme = if !self.any_topic || self.rng.chance(75) {
                        self.theme
                    } else {
                        &THEMES[self.rng.below(THEMES.len())]
                    };
                    let t = self.rng.pick(theme.topics);
                    self.out.push_str(t);
                }
                b'D' => self.date_phrase(),
                b'N' => {
                    let n = self.rng.range(2, 900);
                    self.push_num(n);
                }
                b'F' => {
                    let p = self.people.first().copied().unwrap_or(self.cast[0]);
                    self.out.push_str(&self.pools.people[p].family);
                }
                _ => self.out.push('#'),
            }
        }
        self.out.push_str(rest);
    }

    /// Picks a template not yet used in this article when one comes up within a few draws.
    fn fresh(&mut self, pool: &'static [&'static str]) -> &'static str {
        let mut tpl = self.rng.pick(pool);
        for _ in 0..3 {
            // Pointer comparison: templates are distinct statics, and this runs per sentence.
            if !self.used.iter().any(|u| std::ptr::eq(*u, tpl)) {
                break;
            }
            tpl = self.rng.pick(pool);
        }
        self.used.push(tpl);
        tpl
    }

    /// Writes one template as a sentence, capitalized.
    fn sentence(&mut self, tpl: &str) {
        let start = self.out.len();
        self.expand(tpl);
        self.cap_at(start);
    }

    fn pick_person(&mut self) -> usize {
        if self.rng.chance(45) {
            self.cast[0]
        } else {
            self.cast[self.rng.below(self.cast.len())]
        }
    }

    fn pick_org(&mut self) -> usize {
        self.org_cast[self.rng.below(self.org_cast.len())]
    }

    /// Opens a quotation and returns where its text starts.
    fn open(&mut self) -> usize {
        self.out.push('“');
        self.out.len()
    }

    fn close(&mut self, start: usize, speaker: Speaker) -> usize {
        let text = self.out[start..].to_string();
        self.out.push('”');
        let (speaker, speaker_description) = match speaker {
            Speaker::Person(p) => (Some(self.pools.people[p].name.clone()), None),
            Speaker::Org(o) => (Some(self.pools.orgs[o].name.clone()), None),
            Speaker::Unnamed(d) => (None, Some(d.to_string())),
        };
        self.quotes.push(GeneratedQuote {
            text,
            speaker,
            speaker_description,
        });
        self.quotes.len() - 1
    }

    /// One or two spoken sentences; `comma` ends them with a comma for `“...,” X said.`.
    fn speech(&mut self, comma: bool) {
        let n = if self.rng.chance(30) { 2 } else { 1 };
        for i in 0..n {
            if i > 0 {
                self.out.push(' ');
            }
            let tpl = self.fresh(SPEECH);
            self.sentence(tpl);
        }
        if comma && self.out.ends_with('.') {
            self.out.pop();
            self.out.push(',');
        }
    }

    fn quoted_speech(&mut self, comma: bool, speaker: Speaker) {
        let q = self.open();
        self.speech(comma);
        self.close(q, speaker);
    }

    fn fragment(&mut self) {
        let tpl = self.fresh(FRAGMENTS);
        self.expand(tpl);
    }

    fn quote_unit(&mut self, form: Form) {
        self.forms |= 1 << form as u16;
        let p = self.pick_person();
        let start = self.out.len();
        match form {
            Form::SaidComma => {
                self.person_ref(p);
                if self.rng.chance(30) {
                    self.out.push_str(" said ");
                    self.date_phrase();
                    self.out.push_str(", ");
                } else {
                    self.out.push_str(" said, ");
                }
                self.quoted_speech(false, Speaker::Person(p));
            }
            Form::QuoteXSaid => {
                self.quoted_speech(true, Speaker::Person(p));
                self.out.push(' ');
                self.person_ref(p);
                self.out.push_str(" said.");
            }
            Form::QuoteSaidX => {
                self.quoted_speech(true, Speaker::Person(p));
                self.out.push_str(" said ");
                self.person_ref(p);
                self.out.push('.');
            }
            Form::SaidColon => {
                self.person_ref(p);
                self.out.push_str(" said: ");
                self.quoted_speech(false, Speaker::Person(p));
            }
            Form::Tweeted => {
                self.person_ref(p);
                self.out.push_str(" tweeted: ");
                self.quoted_speech(false, Speaker::Person(p));
            }
            Form::AccordingTo => {
                self.out.push_str("According to ");
                self.person_ref(p);
                self.out.push_str(", ");
                self.quoted_speech(false, Speaker::Person(p));
            }
            Form::QuotedAsSaying => {
                self.person_ref(p);
                self.out.push_str(" was quoted as saying, ");
                self.quoted_speech(false, Speaker::Person(p));
            }
            Form::ToldReporters => {
                self.person_ref(p);
                self.out.push_str(" told reporters ");
                if self.rng.chance(50) {
                    self.date_phrase();
                } else {
                    self.out.push_str("in ");
                    let c = self.rng.pick(CITIES);
                    self.out.push_str(c);
                }
                self.out.push_str(", ");
                self.quoted_speech(false, Speaker::Person(p));
            }
            Form::PronounCarry => {
                // The previous sentence is about the speaker alone, so the pronoun is unambiguous.
                self.cur_person = p;
                let tpl = self.fresh(PERSON_SENT);
                self.sentence(tpl);
                let (cue, verb) = self.rng.pick(CARRY_CUES);
                self.out.push(' ');
                let female = self.pools.people[p].female;
                self.out.push_str(if female { "She" } else { "He" });
                self.out.push_str(cue);
                let q = self.out.len();
                if verb {
                    let tpl = self.fresh(VERB_FRAGMENTS);
                    self.expand(tpl);
                } else {
                    self.fragment();
                }
                self.out.push('.');
                self.close(q, Speaker::Person(p));
            }
            Form::Fragments => {
                self.person_ref(p);
                let cue = self.rng.pick(FRAGMENT_CUES);
                self.out.push_str(cue);
                let q = self.out.len();
                self.fragment();
                let first = self.close(q, Speaker::Person(p));
                self.out.push_str(" and ");
                let q = self.open();
                self.fragment();
                self.close(q, Speaker::Person(p));
                self.out.push('.');
                let text = &self.quotes[first].text;
                if self.title_quote.is_none() && text.split(' ').count() <= 6 {
                    self.title_quote = Some((p, text.clone()));
                }
            }
            Form::Unnamed => {
                let d = self.rng.pick(UNNAMED);
                if self.rng.chance(35) {
                    // Mid-sentence the description is written, and kept, in lower case.
                    let lower = lower_description(d);
                    self.quoted_speech(true, Speaker::Unnamed(lower));
                    self.out.push(' ');
                    self.out.push_str(lower);
                    self.out.push_str(" said.");
                } else {
                    self.out.push_str(d);
                    self.out.push_str(if self.rng.chance(50) {
                        " said: "
                    } else {
                        " said, "
                    });
                    self.quoted_speech(false, Speaker::Unnamed(d));
                }
            }
            Form::OrgStatement => {
                let o = self.pick_org();
                self.org_ref(o);
                if self.rng.chance(50) {
                    self.out.push_str(" said in a statement, ");
                } else {
                    self.out.push_str(" said in a statement ");
                    self.date_phrase();
                    self.out.push_str(": ");
                }
                self.quoted_speech(false, Speaker::Org(o));
            }
        }
        self.cap_at(start);
    }

    fn unit(&mut self) {
        let r = self.rng.below(100);
        match r {
            0..20 => {
                self.cur_person = self.pick_person();
                self.cur_org = self.pick_org();
                let tpl = self.fresh(PERSON_SENT);
                self.sentence(tpl);
            }
            20..32 => {
                self.cur_org = self.pick_org();
                let tpl = self.fresh(ORG_SENT);
                self.sentence(tpl);
            }
            32..52 => {
                let tpl = self.fresh(GENERAL_SENT);
                self.sentence(tpl);
            }
            52..56 => {
                let tpl = self.fresh(OUTLET_SENT);
                self.sentence(tpl);
            }
            // Once per article at most: a second book by the same author reads oddly.
            56..59 if !self.non_speech_done => self.non_speech(),
            _ => {
                let form = self.rng.pick(FORMS);
                self.quote_unit(form);
            }
        }
    }

    /// Quoted words that are not speech: a book title, a missile name, a scare quote.
    fn non_speech(&mut self) {
        self.non_speech_done = true;
        let start = self.out.len();
        match self.rng.below(3) {
            0 => {
                let p = self.pick_person();
                self.person_ref(p);
                self.out.push_str("’s book “");
                self.out.push_str(self.rng.pick(BOOKS));
                self.out.push_str("” became a bestseller in ");
                let c = self.rng.pick(CITIES);
                self.out.push_str(c);
                self.out.push('.');
            }
            1 => {
                self.expand("#C showed off a new “");
                self.out.push_str(self.rng.pick(MISSILES));
                self.expand("” cruise missile at a parade #D.");
            }
            _ => {
                self.out
                    .push_str("Some officials refer to the approach as “");
                self.out.push_str(self.rng.pick(SCARES));
                self.out.push_str("” diplomacy.");
            }
        }
        self.cap_at(start);
    }

    fn body(&mut self, dateline: Option<&str>) {
        let paragraphs = self.rng.range(4, 9);
        for i in 0..paragraphs {
            if i > 0 {
                self.out.push_str(if self.rng.chance(60) {
                    "\n\n\n"
                } else {
                    "\n\n"
                });
            }
            if i == 0
                && let Some(d) = dateline
            {
                self.out.push_str(d);
            }
            let para_start = self.out.len();
            let target = self.rng.range(40, 95);
            // Counted incrementally: rescanning the paragraph per sentence cost a third of the time.
            let mut words = 1;
            let mut counted = para_start;
            if i == 0 {
                // The lead names the main person, as news leads do.
                self.cur_person = self.cast[0];
                self.cur_org = self.pick_org();
                let tpl = self.fresh(PERSON_SENT);
                self.sentence(tpl);
            }
            loop {
                words += self.out.as_bytes()[counted..]
                    .iter()
                    .filter(|&&b| b == b' ')
                    .count();
                counted = self.out.len();
                if words >= target {
                    break;
                }
                if self.out.len() > para_start {
                    self.out.push(' ');
                }
                self.unit();
            }
        }
    }

    fn title(&mut self, opinion: bool) -> String {
        let body = std::mem::take(&mut self.out);
        self.any_topic = false;
        match (self.title_quote.take(), opinion) {
            (_, true) => self.sentence("Editorial: Japan needs a clear strategy on #T"),
            (Some((p, q)), false) if self.rng.chance(50) => {
                self.out.push_str(&self.pools.people[p].family);
                self.out.push_str(" calls for “");
                self.out.push_str(&q);
                self.out.push('”');
            }
            _ => {
                let tpl = self.rng.pick(TITLES);
                self.sentence(tpl);
            }
        }
        std::mem::replace(&mut self.out, body)
    }
}

fn lower_description(d: &'static str) -> &'static str {
    // The descriptions are constants, so their lower-case forms are too.
    match d {
        "A senior government source" => "a senior government source",
        "A diplomatic source in Beijing" => "a diplomatic source in Beijing",
        "A diplomatic source in Seoul" => "a diplomatic source in Seoul",
        "A source close to the prime minister" => "a source close to the prime minister",
        "A senior ruling party lawmaker" => "a senior ruling party lawmaker",
        "A government source familiar with the talks" => {
            "a government source familiar with the talks"
        }
        "An aide to the governor" => "an aide to the governor",
        "A U.S. official" => "a U.S. official",
        "A Chinese government source" => "a Chinese government source",
        _ => "a senior official at the prime minister’s office",
    }
}

/// Builds one article and the set of attribution forms it used (a bit per `Form`).
fn build(seed: u64, index: u64) -> (Generated, u16) {
    let pools = pools();
    let mut rng = Rng(mix64(mix64(seed ^ 0x6E65_7773_6172_6368) ^ index));
    let theme = &THEMES[rng.below(THEMES.len())];
    let first_day = days_from_civil(2015, 1, 1);
    let last_day = days_from_civil(2026, 10, 31);
    let day = first_day + rng.below((last_day - first_day + 1) as usize) as i64;

    // Cast: people with distinct family names, so a later "Tanabe" is unambiguous, and
    // distinct titles, so an article has one prime minister.
    let n_people = rng.range(2, 5);
    let mut cast: Vec<usize> = Vec::with_capacity(n_people);
    for _ in 0..n_people * 4 {
        if cast.len() == n_people {
            break;
        }
        let p = sample_cdf(&pools.people_cdf, &mut rng);
        let person = &pools.people[p];
        if !cast.iter().any(|&c| {
            let other = &pools.people[c];
            other.family == person.family || other.title == person.title
        }) {
            cast.push(p);
        }
    }
    let n_orgs = rng.range(1, 4);
    let mut org_cast: Vec<usize> = Vec::with_capacity(n_orgs);
    for _ in 0..n_orgs * 3 {
        if org_cast.len() == n_orgs {
            break;
        }
        let o = sample_cdf(&pools.orgs_cdf, &mut rng);
        if !org_cast.contains(&o) {
            org_cast.push(o);
        }
    }

    let section: Vec<&'static str> = if rng.chance(85) {
        let (top, sub) = if rng.chance(5) {
            (6, rng.below(2))
        } else {
            rng.pick(theme.sections)
        };
        let (name, subs) = SECTIONS[top];
        if rng.chance(80) {
            vec![name, subs[sub]]
        } else {
            vec![name]
        }
    } else {
        Vec::new()
    };
    let opinion = section.first() == Some(&"OPINION") && section.get(1) == Some(&"Editorials");
    let kind = match rng.below(10) {
        0..6 => Some("JMH Translation"),
        6..9 => Some("JMH Summary"),
        _ => None,
    };
    let (sources, page) = sources(&mut rng);
    let lone_comma = rng.chance(70);
    let byline = if rng.chance(45) {
        Some(pools.people[PEOPLE + rng.below(REPORTERS)].name.as_str())
    } else {
        None
    };
    let dateline = if rng.chance(40) {
        Some(rng.pick(theme.datelines))
    } else {
        None
    };
    let abridged = rng.chance(12);
    let nav = rng.pick(NAV);

    let mut w = Writer {
        rng,
        pools,
        theme,
        out: String::with_capacity(4096),
        day,
        cur_person: cast[0],
        cur_org: org_cast[0],
        cast,
        org_cast,
        last_country: "Japan",
        last_city: "Tokyo",
        people: Vec::with_capacity(6),
        orgs: Vec::with_capacity(6),
        quotes: Vec::with_capacity(12),
        title_quote: None,
        forms: 0,
        used: Vec::with_capacity(48),
        any_topic: true,
        non_speech_done: false,
    };
    w.body(dateline.map(|d| d.0));
    let title = w.title(opinion);
    let date = civil_from_days(day);

    let mut text = String::with_capacity(w.out.len() + 400);
    text.push_str("print PRINT\n\n");
    if !section.is_empty() {
        text.push_str(&section.join(" > "));
        text.push_str("\n\n");
    }
    text.push_str(&title);
    text.push_str("\n\n");
    let _ = writeln!(
        text,
        "  • {} {}, {}",
        MONTHS[date.1 as usize - 1],
        date.2,
        date.0
    );
    text.push_str("  • , ");
    if sources.len() > 1 && sources[0] == "All national papers" {
        // Broadcasters follow the papers after a spaced comma, as on the site.
        text.push_str("All national papers , ");
        text.push_str(&sources[1..].join(", "));
    } else {
        text.push_str(&sources.join(", "));
    }
    if let Some(p) = page {
        let _ = write!(text, " , p. {p}");
    }
    text.push('\n');
    if let Some(k) = kind {
        text.push_str("  • ");
        text.push_str(k);
        text.push('\n');
    }
    if lone_comma {
        text.push_str("  • ,\n");
    }
    text.push('\n');
    if let Some(b) = byline {
        text.push_str("By ");
        text.push_str(b);
        text.push_str("\n\n");
    }
    text.push('\n');
    text.push_str(&w.out);
    if abridged {
        text.push_str("\n\n(Abridged)");
    }
    text.push_str("\n\n\n\n");
    for (i, item) in nav.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str("  • ");
        text.push_str(item);
    }

    let generated = Generated {
        text,
        people: w
            .people
            .iter()
            .map(|&p| pools.people[p].name.clone())
            .collect(),
        people_titles: w.people.iter().map(|&p| pools.people[p].title).collect(),
        organizations: w.orgs.iter().map(|&o| pools.orgs[o].name.clone()).collect(),
        organization_acronyms: w
            .orgs
            .iter()
            .map(|&o| pools.orgs[o].acronym.as_deref())
            .collect(),
        organization_kinds: w.orgs.iter().map(|&o| pools.orgs[o].kind).collect(),
        quotes: w.quotes,
        title,
        date,
        section,
        sources,
        page,
        kind,
        byline,
        dateline: dateline.map(|d| d.1),
        abridged,
    };
    (generated, w.forms)
}

/// The sources line: one to four outlets, or "All national papers" with broadcasters.
fn sources(rng: &mut Rng) -> (Vec<&'static str>, Option<u32>) {
    let papers = &OUTLETS[..OUTLETS.len() - TV_OUTLETS];
    let tv = &OUTLETS[OUTLETS.len() - TV_OUTLETS..];
    match rng.below(100) {
        0..45 => (vec![rng.pick(papers)], Some(rng.range(1, 13) as u32)),
        45..65 => (vec![rng.pick(OUTLETS)], None),
        65..80 => {
            let n = rng.range(2, 4);
            let mut v: Vec<&'static str> = Vec::with_capacity(n);
            while v.len() < n {
                let o = rng.pick(OUTLETS);
                if !v.contains(&o) {
                    v.push(o);
                }
            }
            (v, None)
        }
        80..92 => (vec!["All national papers"], None),
        _ => {
            let mut v = vec!["All national papers"];
            let n = rng.range(1, 3);
            while v.len() < n + 1 {
                let o = rng.pick(tv);
                if !v.contains(&o) {
                    v.push(o);
                }
            }
            (v, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
        let (month, rest) = s.split_once(' ')?;
        let (day, year) = rest.split_once(", ")?;
        let m = MONTHS.iter().position(|&x| x == month)? as u32 + 1;
        if day.starts_with('0') || year.len() != 4 {
            return None;
        }
        Some((year.parse().ok()?, m, day.parse().ok()?))
    }

    #[test]
    fn same_seed_and_index_give_the_same_article() {
        assert_eq!(generate(7, 42), generate(7, 42));
        assert_ne!(generate(7, 42).text, generate(7, 43).text);
        assert_ne!(generate(7, 42).text, generate(8, 42).text);
    }

    #[test]
    fn every_attribution_form_appears_in_the_first_200_articles() {
        let mut forms = 0u16;
        let mut all = String::new();
        let (mut unnamed, mut org_speaker) = (false, false);
        for i in 0..200 {
            let (g, f) = build(1, i);
            forms |= f;
            all.push_str(&g.text);
            for q in &g.quotes {
                unnamed |= q.speaker_description.is_some();
                org_speaker |= q
                    .speaker
                    .as_ref()
                    .is_some_and(|s| g.organizations.contains(s));
            }
        }
        assert_eq!(forms, (1 << FORMS.len()) - 1);
        assert!(unnamed && org_speaker);
        for cue in [
            " said, “",
            ",” said ",
            " said: “",
            " tweeted: “",
            "According to ",
            " was quoted as saying, “",
            " told reporters ",
            "He also ",
            "” and “",
            " said in a statement",
            "’s book “",
            " cruise missile",
        ] {
            assert!(all.contains(cue), "missing {cue}");
        }
    }

    #[test]
    fn text_has_the_print_view_layout() {
        for i in 0..300 {
            let g = generate(3, i);
            let lines: Vec<&str> = g.text.lines().collect();
            assert_eq!(lines[0], "print PRINT");
            assert_eq!(lines[1], "");
            assert!(lines.contains(&g.title.as_str()));
            let date = lines
                .iter()
                .filter_map(|l| l.strip_prefix("  • "))
                .find_map(parse_date);
            assert_eq!(date, Some(g.date));
            assert!(g.date >= (2015, 1, 1) && g.date <= (2026, 10, 31));
            let sources = lines.iter().find(|l| l.starts_with("  • , ")).copied();
            assert!(sources.is_some_and(|s| s.contains(g.sources[0])));
            assert!(lines.last().is_some_and(|l| l.starts_with("  • ")));
        }
    }

    #[test]
    fn recorded_entities_and_quotes_are_in_the_text() {
        for i in 0..300 {
            let g = generate(5, i);
            let body_start = g.text.find("\n\n\n").unwrap_or(0);
            let body = &g.text[body_start..];
            assert!(!g.people.is_empty());
            for p in &g.people {
                assert!(body.contains(p.as_str()), "{p} not in {}", g.text);
            }
            for o in &g.organizations {
                assert!(body.contains(o.as_str()), "{o} not in {}", g.text);
            }
            // Every quoted span of the body is a recorded quote or known non-speech words.
            let mut rest = body;
            let mut spans = Vec::new();
            while let Some(a) = rest.find('“') {
                let after = &rest[a + '“'.len_utf8()..];
                let b = after.find('”').expect("closed quote");
                spans.push(&after[..b]);
                rest = &after[b..];
            }
            let non_speech =
                |s: &str| BOOKS.contains(&s) || MISSILES.contains(&s) || SCARES.contains(&s);
            let quoted: Vec<&str> = spans.iter().copied().filter(|s| !non_speech(s)).collect();
            let recorded: Vec<&str> = g.quotes.iter().map(|q| q.text.as_str()).collect();
            assert_eq!(quoted, recorded, "{}", g.text);
            for q in &g.quotes {
                assert!(q.speaker.is_some() != q.speaker_description.is_some());
            }
        }
    }

    #[test]
    fn pools_are_unique_and_people_recur() {
        let pools = pools();
        let names: HashSet<&str> = pools.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), PEOPLE + REPORTERS);
        let acronyms: Vec<&str> = pools
            .orgs
            .iter()
            .filter_map(|o| o.acronym.as_deref())
            .collect();
        let unique: HashSet<&str> = acronyms.iter().copied().collect();
        assert_eq!(acronyms.len(), unique.len());
        assert!(pools.orgs.len() >= 250, "{}", pools.orgs.len());
        let top = &pools.people[0].name;
        let hits = (0..500)
            .filter(|&i| generate(9, i).people.contains(top))
            .count();
        assert!(hits >= 10, "top person in {hits} of 500 articles");
    }

    #[test]
    fn word_lengths_and_paragraphs_are_in_range() {
        for i in 0..100 {
            let g = generate(11, i);
            let words = g.text.split_whitespace().count();
            assert!((150..1400).contains(&words), "{words}");
        }
    }
}
