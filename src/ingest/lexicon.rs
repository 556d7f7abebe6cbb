//! Word lists the rules rely on: gazetteers, title words, organization heads, known bodies.
//!
//! Lookups are exact and case-sensitive unless noted; lists are small enough that a
//! `LazyLock<HashSet>` built once is the fastest and simplest structure. The sets hash
//! with foldhash: the keys are the lists' own words, not attacker-chosen, and the standard
//! SipHash took a tenth of the extractor's time in these lookups.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::domain::OrgKind;

/// The hasher of the word lists (see the module's documentation).
pub(crate) type Fast = foldhash::fast::FixedState;

/// A set of words.
pub(crate) type WordSet = HashSet<&'static str, Fast>;

/// A set from a whitespace-separated list, which keeps long word lists compact.
fn words(list: &'static str) -> WordSet {
    list.split_whitespace().collect()
}

/// Countries, regions and other geopolitical names that are never organizations or people.
pub static PLACES: LazyLock<WordSet> = LazyLock::new(|| {
    words(
        "\
        Japan China Asia-Pacific Eurasia Oceania Caribbean Balkans Baltic Russia Ukraine \
        Taiwan Korea U.S. US USA UK U.K. America Britain England \
        France Germany Italy Canada Australia India Philippines Vietnam Indonesia Thailand \
        Malaysia Singapore Mongolia Iran Iraq Israel Syria Turkey Egypt Saudi Arabia Pakistan \
        Afghanistan Belarus Poland Europe Asia Africa Pacific Indo-Pacific Atlantic Middle East \
        West North South Northeast Southeast Tokyo Beijing Washington Seoul Pyongyang Moscow \
        Taipei Kyiv Kiev London Paris Berlin Brussels Geneva Okinawa Naha Nago Ginowan Henoko \
        Futenma Kadena Urasoe Uruma Okinawan Osaka Kyoto Hiroshima Nagasaki Hokkaido Kyushu \
        Honshu Shikoku Yokosuka Sasebo Iwakuni Yonaguni Ishigaki Miyako Miyakojima Amami \
        Tsushima Senkaku Senkakus Diaoyu Diaoyutai Takeshima Kuril Kurils Crimea Donbas Kharkiv Mariupol Hong \
        Kong Shanghai Manila Canberra Delhi Hanoi Jakarta Bangkok Guam Hawaii Sapporo Fukuoka \
        Kagoshima Nagoya Busan Kremlin Pentagon Xinjiang Tibet Uyghur Macau Myanmar Cambodia \
        Laos Yokohama Kobe Sendai Fukushima Niigata Aomori Misawa Zama Yokota Atsugi Chiba \
        Saitama Kanagawa Shizuoka Hyogo Nara Kumamoto Oita Gunma Ibaraki Tochigi Shimane Tottori \
        Okayama Ehime Kochi Tokushima Kagawa Wakayama Mie Gifu Toyama Iwate Miyagi Yamanashi \
        Shinjuku Nagatacho Kasumigaseki Ichigaya Zhongnanhai Vladivostok Sakhalin Spain \
        Netherlands Sweden Finland Norway Denmark Switzerland Austria Hungary Romania Greece \
        Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Idaho \
        Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan \
        Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon \
        Pennsylvania Tennessee Texas Utah Vermont Virginia Wisconsin Wyoming \
        Brazil Mexico Argentina Chile Peru Cuba Venezuela Nigeria Kenya Ethiopia Qatar Kuwait \
        Jordan Lebanon Gaza Palestine Yemen Libya Sudan Bangladesh Nepal Sri Lanka Zealand New \
        York Fiji Palau Solomon Tonga Kazakhstan Uzbekistan Georgia Armenia Azerbaijan Lithuania \
        Latvia Estonia Moldova Serbia Kosovo Bosnia Croatia Slovakia Czech Bulgaria Portugal \
        Ireland Scotland Belgium Luxembourg Iceland Antarctica Arctic Mars Earth Ryukyu Ryukyus \
        Nansei Kanto Kansai Tohoku United States Kingdom Nations Emirates Soviet Union Chugoku \
        Kinki Chubu Hokuriku Korean Peninsula \
        Budapest Warsaw Prague Vienna Rome Madrid Lisbon Athens Stockholm Oslo Helsinki \
        Copenhagen Amsterdam Dublin Bucharest Belgrade Zagreb Vilnius Riga Tallinn Minsk \
        Tbilisi Yerevan Baku Ankara Istanbul Tehran Baghdad Damascus Beirut Riyadh Doha Dubai \
        Cairo Nairobi Lagos Abuja Islamabad Kabul Dhaka Kathmandu Ulaanbaatar Astana Tashkent \
        Ottawa Toronto Brasilia Havana Caracas Bogota Yangon Guangzhou Shenzhen Wuhan Chengdu \
        Chongqing Tianjin Nanjing Hangzhou Xiamen Kaohsiung Taichung Incheon Frankfurt Munich \
        Hamburg Milan Strasbourg",
    )
});

/// Nationality and regional adjectives; part of a title ("Chinese leader") or of an
/// organization's name ("Chinese Communist Party"), never of a person's name.
pub static NATIONALITIES: LazyLock<WordSet> = LazyLock::new(|| {
    words(
        "\
        Japanese Chinese Russian Ukrainian Taiwanese Korean American British French German \
        Italian Canadian Australian Indian Philippine Filipino Vietnamese Indonesian Thai \
        Malaysian Singaporean Mongolian Iranian Iraqi Israeli Syrian Turkish Egyptian Saudi \
        Pakistani Afghan Belarusian Polish European Asian African Western Eastern Northern \
        Southern Okinawan Palestinian Spanish Dutch Swedish Finnish Norwegian Brazilian Mexican \
        Cuban Qatari Emirati Kazakh Georgian Lithuanian Czech Hungarian Greek Irish Swiss \
        Austrian Belgian Danish Portuguese Romanian Serbian Soviet Cambodian Burmese Bangladeshi \
        Nepali Kenyan Nigerian Argentine Chilean",
    )
});

/// Maps a country name (as in "Japan's Defense Ministry") or nationality adjective to the
/// country it denotes.
pub fn country_of(word: &str) -> Option<&'static str> {
    Some(match word {
        "Japan" | "Japanese" => "Japan",
        "China" | "Chinese" => "China",
        "Russia" | "Russian" | "Kremlin" => "Russia",
        "Ukraine" | "Ukrainian" => "Ukraine",
        "Taiwan" | "Taiwanese" => "Taiwan",
        "U.S." | "US" | "America" | "American" | "Pentagon" => "United States",
        "UK" | "U.K." | "Britain" | "British" => "United Kingdom",
        "France" | "French" => "France",
        "Germany" | "German" => "Germany",
        "Australia" | "Australian" => "Australia",
        "India" | "Indian" => "India",
        "Philippines" | "Philippine" => "Philippines",
        "Canada" | "Canadian" => "Canada",
        "Okinawa" | "Okinawan" => "Japan",
        "DPRK" | "Pyongyang" => "North Korea",
        "Seoul" => "South Korea",
        _ => return None,
    })
}

/// Words that head a title before a name ("Foreign Minister", "Chinese leader", "Col.").
pub static TITLE_HEADS: LazyLock<WordSet> = LazyLock::new(|| {
    words(
        "\
        President president representative deputy vice vice-president Minister minister \
        Premier premier Leader leader Governor governor \
        Mayor mayor Ambassador ambassador Secretary secretary Secretary-General Councilor \
        Councillor Chairman chairman Chairwoman Chairperson Chair Spokesperson spokesperson \
        Spokesman spokesman Spokeswoman spokeswoman Director director Director-General Commander \
        Commodore \
        commander Chief chief Speaker Senator Sen. Rep. Representative Envoy envoy Emperor \
        Empress King Queen Prince Princess Chancellor Gen. General Lt. Col. Maj. Capt. Adm. Cmdr. Cdr. \
        Admiral Sgt. Cpl. Gov. Dr. Prof. Professor professor PM FM Justice Judge Vice-President \
        Vice-Minister Administrator Head head Commissioner Coordinator Adviser Advisor adviser \
        advisor lawmaker legislator President-elect CEO Officer Lieutenant Colonel Major Captain \
        Sergeant Marshal Diplomat diplomat Counselor counselor Attache Consul Consul-General \
        Dean Superintendent Inspector Vice Deputy Senior Prime Undersecretary Under analyst \
        expert researcher Mr. Ms. Mrs. Miss candidate anchor correspondent host Pope \
        Commandant Lawyer lawyer Attorney attorney Novelist novelist Author author Passenger \
        passenger Fisherman fisherman Farmer farmer Poet poet Writer writer Artist artist \
        Painter painter Photographer photographer Filmmaker filmmaker Actor actor Actress \
        actress Singer singer Musician musician Composer composer Architect architect \
        Designer designer Entrepreneur entrepreneur Businessman businessman Businesswoman \
        businesswoman Economist economist Historian historian Scientist scientist Engineer \
        engineer Physician physician Nurse nurse Teacher teacher Principal principal Activist \
        activist Journalist journalist Editor editor Columnist columnist Chef chef Founder \
        founder Coach coach Pilot pilot Priest priest Monk monk Curator curator Legislator \
        Lawmaker Assemblyman Assemblywoman Councilman Councilwoman Prosecutor prosecutor \
        Detective detective Magistrate Bishop Archbishop Cardinal Abbot abbot Librarian \
        librarian",
    )
});

/// Whether `word` is one of the whitespace-separated words of the literal `list` (long
/// word lists stay readable). Each call site keeps its own set, built once: a linear scan
/// of the list on every call was the largest single cost of extraction.
macro_rules! in_list {
    ($list:expr, $word:expr $(,)?) => {{
        static SET: std::sync::LazyLock<$crate::ingest::lexicon::WordSet> =
            std::sync::LazyLock::new(|| $list.split_whitespace().collect());
        SET.contains::<str>($word)
    }};
}
pub(crate) use in_list;

/// Honorifics: stripped from names but not reported as titles.
pub fn is_honorific(word: &str) -> bool {
    matches!(word, "Mr." | "Ms." | "Mrs." | "Miss" | "Mr" | "Ms" | "Mrs")
}

/// Capitalized words that can modify a title head ("Foreign", "Defense", "Cabinet").
pub static TITLE_MODIFIERS: LazyLock<WordSet> = LazyLock::new(|| {
    words(
        "\
        foreign defense finance prime cabinet economic security opposition ruling party state \
        Foreign Defense Defence Finance Economy Trade Industry Affairs State Cabinet \
        Parliamentary Administrative Economic Security Home Education Health Labor Labour \
        Welfare Environment Digital Land Infrastructure Transport Tourism Agriculture Forestry \
        Fisheries Internal Communications Reconstruction National Public Safety Policy Research \
        Executive Joint Staff Air Maritime Ground Self-Defense Force Forces Navy Army Marine \
        Marines Corps Command Acting Former Party Council Committee Special Assistant Chief Vice \
        Deputy Senior Prime First Second Defense-Minister Regional Revitalization Gender \
        Equality Science Technology Culture Sports Justice Legal Consumer Disaster Management \
        Okinawa Northern Territories Children Policies Commerce Treasury Interior Intelligence \
        Central Military Commission Standing Politburo Lower Upper House General Secretary \
        Minister Ministry Prefectural Assembly Indo-Pacific Pacific Fleet Operations Coast Guard \
        Councillors Representatives Diet Policy-Research Election Strategy Headquarters \
        Information Press Bureau Agency Office Department Secretariat People People’s Congress \
        Legislative Finance-Minister Armed Liberal Democratic Communist Workers’ Conservative \
        Labour Republican Democrat Imperial Crown Grand Supreme Court Top Chairman Vice-Chairman \
        Co-Chair Oceans Unification Family Families Employment Veterans Patriots Startups \
        Energy Food Drug Drugs Mines Resources Water Housing Urban Rural Development Social \
        Youth Women Planning Personnel Heritage Climate Ports Shipping Aviation Manpower \
        Immigration Natural Human Rights Local Civil Religious Minority Minorities \
        Indigenous Statistics Investment",
    )
});

/// Lowercase words allowed inside a title, between title words ("Minister of Foreign
/// Affairs", "State Councilor and Minister") or before it ("former").
pub fn is_title_connector(word: &str) -> bool {
    matches!(word, "of" | "and" | "for" | "the" | "to" | "on")
}

/// Lowercase words that may open a title ("former Prime Minister").
pub fn is_title_prefix(word: &str) -> bool {
    in_list!("former then acting incoming outgoing late new top", word)
}

/// Last words that make a capitalized phrase an organization.
pub static ORG_HEADS: LazyLock<HashMap<&'static str, OrgKind, Fast>> = LazyLock::new(|| {
    use OrgKind::*;
    [
        ("Ministry", Government),
        ("Agency", Government),
        ("Party", Party),
        ("Council", Government),
        ("Administration", Government),
        ("Commission", Government),
        ("Committee", Government),
        ("Office", Government),
        // "National Weather Service"; "Huaxia News Service" is media by its first head.
        ("Service", Government),
        ("Bureau", Government),
        ("Department", Government),
        ("Secretariat", Government),
        ("Assembly", Government),
        ("Court", Government),
        ("Parliament", Government),
        ("Congress", Government),
        ("Senate", Government),
        ("Legislature", Government),
        ("Authority", Government),
        ("Police", Government),
        ("Government", Government),
        ("Headquarters", Government),
        ("Board", Other),
        ("Embassy", Government),
        ("Consulate", Government),
        ("Forces", Military),
        ("Force", Military),
        ("Army", Military),
        ("Navy", Military),
        ("Corps", Military),
        ("Fleet", Military),
        ("Command", Military),
        ("Installations", Military),
        ("Guard", Military),
        ("Marines", Military),
        ("Battalion", Military),
        ("Brigade", Military),
        ("Regiment", Military),
        ("Squadron", Military),
        ("Division", Military),
        ("Activities", Military),
        ("Bank", Company),
        ("Corporation", Company),
        ("Corp.", Company),
        ("Co.", Company),
        ("Inc.", Company),
        ("Ltd.", Company),
        // Legal forms abroad: "Nordwind Energie GmbH", "Kitaura Shipping K.K.".
        ("GmbH", Company),
        ("AG", Company),
        ("K.K.", Company),
        ("LLC", Company),
        ("PLC", Company),
        ("LLP", Company),
        ("L.P.", Company),
        // "Veldhoven Lithography B.V.", "Kuala Timber Bhd".
        ("B.V.", Company),
        ("N.V.", Company),
        ("S.A.", Company),
        ("S.p.A.", Company),
        ("S.r.l.", Company),
        ("SE", Company),
        ("AB", Company),
        ("ASA", Company),
        ("Oyj", Company),
        ("Bhd", Company),
        ("Bhd.", Company),
        ("Tbk", Company),
        ("Group", Company),
        ("Holdings", Company),
        ("Industries", Company),
        ("Airlines", Company),
        ("Company", Company),
        ("Exchange", Company),
        // Industry words that end company names ("Mitsubishi Electric", "Toyota Motor",
        // "Kawasaki Heavy Industries", "Taiwan Semiconductor").
        ("Motor", Company),
        ("Motors", Company),
        ("Electric", Company),
        ("Grid", Company),
        ("Electronics", Company),
        ("Semiconductor", Company),
        ("Shipbuilding", Company),
        ("Logistics", Company),
        ("Pharma", Company),
        ("Pharmaceutical", Company),
        ("Pharmaceuticals", Company),
        ("Trading", Company),
        ("Steel", Company),
        ("Chemical", Company),
        ("Securities", Company),
        ("Insurance", Company),
        ("Airways", Company),
        ("Railway", Company),
        ("Telecom", Company),
        ("Petroleum", Company),
        ("Dynamics", Company),
        ("Aerospace", Company),
        ("Robotics", Company),
        ("Technologies", Company),
        ("Devices", Company),
        ("Systems", Company),
        ("Materials", Company),
        ("Partners", Company),
        ("Capital", Company),
        // "Brightwater Capital Markets", "Sakura Investments".
        ("Markets", Company),
        ("Investments", Company),
        ("Ventures", Company),
        ("Consulting", Company),
        ("Fund", Other),
        // "United Nations Environment Programme", "World Food Programme".
        ("Programme", Other),
        ("Association", Other),
        ("Federation", Other),
        ("Union", Other),
        ("Institute", Other),
        ("University", Other),
        ("School", Other),
        ("College", Other),
        ("Academy", Other),
        ("Foundation", Other),
        ("Alliance", Other),
        ("Coalition", Other),
        // "Hydrogen Mobility Research Consortium", "Kansai Broadcasting Guild".
        ("Consortium", Other),
        ("Syndicate", Other),
        ("Guild", Other),
        ("Organization", Other),
        ("Organisation", Other),
        ("League", Other),
        ("Society", Other),
        ("Center", Other),
        ("Centre", Other),
        ("Chamber", Other),
        ("Forum", Other),
        ("Network", Media),
        ("Broadcasting", Media),
        ("Shimbun", Media),
        ("Shimpo", Media),
        ("Times", Media),
        ("News", Media),
        ("Post", Media),
        ("Journal", Media),
        ("Press", Media),
        ("Daily", Media),
        ("Herald", Media),
        ("Tribune", Media),
        ("TV", Media),
        ("Radio", Media),
        ("Chronicle", Media),
        ("Gazette", Media),
        ("Weekly", Media),
        ("Nippo", Media),
        ("Ilbo", Media),
    ]
    .into_iter()
    .collect()
});

/// Last words that make a capitalized phrase a place, facility, document or event: such a
/// phrase is neither a person nor an organization ("Futenma Air Station", "UN Charter").
pub static NON_ENTITY_HEADS: LazyLock<WordSet> = LazyLock::new(|| {
    words(
        "\
        Base Bases Earthquake Disaster Tsunami Typhoon Support Partnership Thought Cooperation \
        Assistance Zone Ashore Station Airfield Camp Port Island Islands Bay Sea Strait \
        Prefecture Pref. \
        City Town Village Airport Palace Hall Square Shrine Building Plant Bridge River Mountain \
        Mount Peninsula Ocean Channel Gulf Treaty Charter Agreement Pact Accord Accords Act Law \
        Constitution Declaration Guidelines Strategy Initiative Framework Plan Statement \
        Resolution Protocol Convention Communique Principles Summit Games Olympics Olympic War \
        Meeting Dialogue Expo Exercise Exercises Drill Drills Election Elections Day Week Year \
        Era Doctrine Program Programme Project Route Road Line Zone District Ward Region Street \
        Avenue Hotel Tower Museum Memorial Cemetery Hospital Stadium Dome Talks Conference Forum \
        Crisis Incident Affair Revolution Movement Festival Award Prize Cup Budget Report Paper \
        Policy Review Outlook Vision Mission Operation System Missile Rocket Vessel Ship Carrier \
        Destroyer Aircraft Jet Pier Harbor Harbour Wharf Facility Facilities Area Range Training \
        Garrison Headland Cape Reef Shoal Atoll Coast Province County Market Temple Church \
        Cathedral Mosque Castle Garden Gardens Average Index Shinkansen Expressway",
    )
});

/// Capitalized words that open sentences or otherwise start with a capital without naming
/// anyone; never part of a person's name.
pub static COMMON_CAPITALIZED: LazyLock<WordSet> = LazyLock::new(|| {
    words(
        "\
        The A An In On Said Added Asked Prosecutors Officials Experts Analysts Residents Critics Observers \
        Lawmakers Protesters Investigators Authorities Opponents Supporters Participants \
        Voters Citizens Diplomats Witnesses Organizers Researchers Scientists Economists \
        Doctors Teachers Students Workers Members Leaders Locals Parents Families Survivors \
        Victims Relatives Journalists Reporters Police Legislators Executives Insiders Aides \
        Negotiators Demonstrators Aegis Tomahawk Osprey Ospreys Patriot Hwasong Dongfeng \
        Tomahawks Nobody Everyone Someone Anyone Nothing Everything Everybody Somebody At As \
        For From With Without By To Of And But Or Nor So Yet If When While \
        Whereas Although Though Because Since After Before During Until Upon Under Over Into \
        About Against Among Between Through Despite According Meanwhile However Moreover \
        Furthermore Also Still Even Then Thus Therefore Instead Indeed Nevertheless Nonetheless \
        This That These Those It Its He She They We I You His Her Their Our My Your Him Them Us \
        There Here What Which Who Whom Whose Why How Where Some Many Most Several Few All Both \
        Each Every Any No Not Other Another One Two Three Four Five Six Seven Eight Nine Ten \
        First Second Third Last Next New Old Such Only Just Once January February March April \
        May June July August September October November December Jan. Feb. Mar. Apr. Jun. Jul. \
        Aug. Sep. Sept. Oct. Nov. Dec. Feb Mar Apr Jul Aug Sep Sept Oct Nov Dec Monday \
        Tuesday Wednesday Thursday Friday Saturday Sunday Western Eastern Government Chapter \
        Article Section Part Photo Source Sources Related Note Translation Summary Abridged \
        Editorial Opinion Analysis Internet Web Twitter Facebook Instagram YouTube LINE X \
        COVID-19 COVID Covid Coronavirus Omicron God Christmas Easter Communist Democratic \
        Republican Liberal Conservative Socialist Ruling Opposition Trending Yes Well Now Today \
        Yesterday Tomorrow Recently Currently Previously Later Earlier Soon Already Please Let \
        Mr Ms Mrs Dear Sir \
        Madam Lady Lord Saint Japan-U.S. U.S.-Japan Japan-China China-Japan Japan-South \
        Self-Defense Defense Foreign Security Economic National Public Global International \
        Regional Local Central Federal Imperial Royal Upper Lower House Diet Cabinet Prime \
        Minister Ministry Island Islands Air Naval Marine Army Navy Coast Guard Peace War Cold \
        Great Greater Little Big High Low Free Open Black White Red Blue Green Yellow Golden \
        Silver Holy Lt. Col. Gen. Maj. Capt. Adm. Cmdr. Cdr. Sgt. Dr. Prof. Sen. Rep. Gov. PM FM Pref. \
        Reuters AP AFP Kyodo Jiji NHK Amid Regarding Concerning Following Including Given Like \
        Unlike Besides Beyond Within Along Across Around Behind Below Beneath Toward Towards Via \
        Per Whether Unless Once Nearly Almost More Less Much Very Too Yet Perhaps Maybe Probably \
        Fortunately Unfortunately Specifically Separately Additionally Likewise Similarly \
        Consequently Accordingly Ultimately Finally Initially Originally Basically Generally \
        Actually Clearly Obviously Certainly Surely Naturally Overall Elsewhere Otherwise Asked \
        Speaking Citing Noting Responding Commenting Referring Japan’s China’s Okinawa’s Tokyo’s \
        Beijing’s Washington’s Should Would Could Will Can May Might Must Shall Do Does Did Is \
        Are Was Were Be Been Being Have Has Had Let’s Don’t It’s That’s There’s What’s Tanks \
        Missiles Sanctions Prefectural Municipal City Town Village Governor Mayor President \
        Premier Chief Secretary Deputy Vice Senior Chairman Director Commander Leader \
        Spokesperson Spokesman Representative Representatives Councillors Councilors Emperor \
        Constitution Article Heisei Reiwa Showa Taisho Meiji Japanese",
    )
});

/// Words that end an attribution clause, i.e. verbs of speech. Used to tell a lone family
/// name that speaks ("Emanuel said") from any other capitalized word.
pub fn is_speech_verb(word: &str) -> bool {
    in_list!(
        "\
        said says say added adds stressed stresses emphasized emphasised told tells \
        noted notes explained insisted asserted argued declared announced warned urged \
        called instructed tweeted wrote writes posted stated commented remarked replied \
        responded answered pointed indicated claimed complained criticized criticised \
        expressed vowed pledged promised reported reports asked underscored acknowledged \
        admitted revealed suggested demanded requested proposed reiterated maintained \
        conceded lamented gave met visited spoke held expects expected hopes hoped \
        stressing saying adding was is has had will would also agreed denied refused \
        welcomed condemned decided plans planned wants wanted sought seeks mentioned \
        disclosed confirmed showed indicates believes believed thinks thought feels felt \
        cautioned",
        word,
    )
}

/// The verbs that by themselves show a capitalized word is a speaker ("Suga said").
pub fn is_strict_speech_verb(word: &str) -> bool {
    in_list!(
        "\
        said says told stressed emphasized added noted explained insisted asserted \
        argued declared warned urged tweeted wrote stated commented remarked replied \
        responded answered criticized vowed pledged promised underscored acknowledged \
        admitted revealed reiterated instructed met visited spoke",
        word,
    )
}

/// One known organization: acronym, kind, country.
pub struct KnownOrg {
    /// Every surface that names it, the full name first.
    pub surfaces: Vec<&'static str>,
    /// Acronym or short form, when it has one.
    pub acronym: Option<&'static str>,
    /// Kind of body.
    pub kind: OrgKind,
    /// Country, if national.
    pub country: Option<&'static str>,
}

/// Known organizations, one a line: surfaces (`;`-separated, full name first) | acronym |
/// kind | country.
const KNOWN_ORG_TABLE: &str = "\
Liberal Democratic Party;LDP|LDP|Party|Japan
National People’s Congress;National People's Congress;NPC|NPC|Government|China
Kuomintang;KMT|KMT|Party|Taiwan
Democratic Progressive Party;DPP|DPP|Party|Taiwan
Taiwan People’s Party;Taiwan People's Party;TPP|TPP|Party|Taiwan
Legislative Yuan||Government|Taiwan
Executive Yuan||Government|Taiwan
Control Yuan||Government|Taiwan
Judicial Yuan||Government|Taiwan
Examination Yuan||Government|Taiwan
Greenpeace||Other|
International Olympic Committee;IOC|IOC|Other|
World Athletics||Other|
Alternative for Germany;AfD|AfD|Party|Germany
Christian Democratic Union;CDU|CDU|Party|Germany
Social Democratic Party of Germany;SPD|SPD|Party|Germany
Amnesty International||Other|
Human Rights Watch;HRW|HRW|Other|
Japanese Trade Union Confederation;Rengo||Other|Japan
Sanseito||Party|Japan
Asia-Pacific Economic Cooperation;APEC|APEC|International|
Organisation for Economic Co-operation and Development;Organization for Economic Cooperation and Development;OECD|OECD|International|
Shanghai Cooperation Organization;SCO|SCO|International|
Japan International Cooperation Agency;JICA|JICA|Government|Japan
House of Representatives;Lower House||Government|Japan
House of Councillors;House of Councilors;Upper House||Government|Japan
National Diet;Diet||Government|Japan
Prime Minister’s Office;Prime Minister's Office;Kantei||Government|Japan
Joint Staff||Military|Japan
Joint Chiefs of Staff;JCS|JCS|Military|

Komeito||Party|Japan
Constitutional Democratic Party of Japan;Constitutional Democratic Party;CDPJ;CDP|CDPJ|Party|Japan
Japan Innovation Party;Nippon Ishin no Kai;Nippon Ishin||Party|Japan
Japanese Communist Party;Japan Communist Party;JCP|JCP|Party|Japan
Democratic Party for the People;DPFP|DPFP|Party|Japan
Social Democratic Party;SDP|SDP|Party|Japan
Reiwa Shinsengumi||Party|Japan
Self-Defense Forces;Japan Self-Defense Forces;SDF|SDF|Military|Japan
Ground Self-Defense Force;GSDF|GSDF|Military|Japan
Maritime Self-Defense Force;MSDF|MSDF|Military|Japan
Air Self-Defense Force;ASDF|ASDF|Military|Japan
Japan Coast Guard;JCG|JCG|Government|Japan
Chinese Communist Party;Communist Party of China;CCP;CPC|CCP|Party|China
People’s Liberation Army;People's Liberation Army;PLA|PLA|Military|China
DPRK|DPRK|Government|North Korea
Korean Central News Agency;KCNA|KCNA|Media|North Korea
Workers’ Party of Korea;Workers' Party of Korea;Workers Party of Korea;WPK|WPK|Party|North Korea
United Nations;UN;U.N.|UN|International|
United Nations High Commissioner for Refugees;UNHCR|UNHCR|International|
United Nations Children’s Fund;United Nations Children's Fund;UNICEF|UNICEF|International|
United Nations Development Programme;UNDP|UNDP|International|
UNESCO|UNESCO|International|
United Nations Security Council;UN Security Council;U.N. Security Council;UNSC|UNSC|International|
European Union;EU|EU|International|
North Atlantic Treaty Organization;NATO|NATO|International|
Association of Southeast Asian Nations;ASEAN|ASEAN|International|
International Monetary Fund;IMF|IMF|International|
World Health Organization;WHO|WHO|International|
World Trade Organization;WTO|WTO|International|
International Atomic Energy Agency;IAEA|IAEA|International|
U.S. Forces Japan;USFJ|USFJ|Military|United States
U.S. Marine Corps;Marine Corps||Military|United States
State Department||Government|United States
National Security Council;NSC|NSC|Government|
Bank of Japan;BOJ|BOJ|Government|Japan
Japan Business Federation;Keidanren||Other|Japan
Japanese Trade Union Confederation;Rengo||Other|Japan
Central Japan Railway Co.;Central Japan Railway;JR Central||Company|Japan
East Japan Railway Co.;East Japan Railway;JR East||Company|Japan
West Japan Railway Co.;West Japan Railway;JR West||Company|Japan
Tokyo Electric Power Company Holdings;Tokyo Electric Power Company;TEPCO|TEPCO|Company|Japan
Ministry of Economy, Trade and Industry;METI|METI|Government|Japan
Ministry of Land, Infrastructure, Transport and Tourism;MLIT|MLIT|Government|Japan
Ministry of Health, Labour and Welfare;Ministry of Health, Labor and Welfare;MHLW|MHLW|Government|Japan
Ministry of Agriculture, Forestry and Fisheries;MAFF|MAFF|Government|Japan
Ministry of Education, Culture, Sports, Science and Technology;MEXT|MEXT|Government|Japan
Ministry of Foreign Affairs;MOFA|MOFA|Government|
Yomiuri Shimbun;Yomiuri||Media|Japan
Asahi Shimbun;Asahi||Media|Japan
Mainichi Shimbun;Mainichi||Media|Japan
Nihon Keizai Shimbun;Nikkei||Media|Japan
Sankei Shimbun;Sankei||Media|Japan
Tokyo Shimbun||Media|Japan
Okinawa Times||Media|Japan
Ryukyu Shimpo||Media|Japan
NHK||Media|Japan
Kyodo News;Kyodo||Media|Japan
Jiji Press;Jiji||Media|Japan
Fuji TV||Media|Japan
TV Tokyo||Media|Japan
TV Asahi||Media|Japan
Nippon TV||Media|Japan
TBS||Media|Japan
Reuters||Media|
Associated Press;AP|AP|Media|United States
Agence France-Presse;AFP|AFP|Media|France
Xinhua News Agency;Xinhua||Media|China
Global Times||Media|China
People’s Daily;People's Daily||Media|China
Yonhap News Agency;Yonhap||Media|South Korea
Rodong Sinmun||Media|North Korea
The New York Times;New York Times||Media|United States
The Washington Post;Washington Post||Media|United States
The Wall Street Journal;Wall Street Journal||Media|United States
Financial Times||Media|United Kingdom
Bloomberg||Media|United States
Goldman Sachs||Company|United States
Morgan Stanley||Company|United States
JPMorgan Chase;JPMorgan||Company|United States
Citigroup||Company|United States
Lazard||Company|United States
BlackRock||Company|United States
Nomura Holdings||Company|Japan
Mizuho Financial Group||Company|Japan
Deutsche Bank||Company|Germany
HSBC||Company|United Kingdom
Barclays||Company|United Kingdom
Huawei||Company|China
CNN||Media|United States
BBC||Media|United Kingdom
Korea Gallup;Gallup Korea||Other|South Korea
Gallup||Other|United States
Realmeter||Other|South Korea
People Power Party;PPP|PPP|Party|South Korea
Democratic Party of Korea;DPK|DPK|Party|South Korea
Rebuilding Korea Party||Party|South Korea
Korea Herald;The Korea Herald||Media|South Korea
Korea Times;The Korea Times||Media|South Korea
JoongAng Ilbo||Media|South Korea
Chosun Ilbo||Media|South Korea
Dong-A Ilbo||Media|South Korea
Hankyoreh||Media|South Korea
KBS||Media|South Korea
MBC||Media|South Korea
SBS||Media|South Korea
JTBC||Media|South Korea
Japan Times;The Japan Times||Media|Japan
Nikkei Asia||Media|Japan
South China Morning Post;SCMP|SCMP|Media|China
Taipei Times||Media|Taiwan
Focus Taiwan||Media|Taiwan
Liberty Times||Media|Taiwan
United Daily News||Media|Taiwan
Samsung Electronics;Samsung||Company|South Korea
Hyundai Motor;Hyundai||Company|South Korea
SK Hynix||Company|South Korea
Taiwan Semiconductor Manufacturing Co.;Taiwan Semiconductor Manufacturing Company;TSMC|TSMC|Company|Taiwan
Foxconn||Company|Taiwan
Sony||Company|Japan
Toyota||Company|Japan
Nissan||Company|Japan
Panasonic||Company|Japan
SoftBank||Company|Japan
Nintendo||Company|Japan
Rakuten||Company|Japan
Hitachi||Company|Japan
Toshiba||Company|Japan
Fujitsu||Company|Japan
Alibaba||Company|China
Tencent||Company|China
ByteDance||Company|China
BYD||Company|China
Boeing||Company|United States
Airbus||Company|France
";

/// Known organizations, parsed once from [`KNOWN_ORG_TABLE`].
pub static KNOWN_ORGS: LazyLock<Vec<KnownOrg>> = LazyLock::new(|| {
    KNOWN_ORG_TABLE
        .lines()
        .filter_map(|line| {
            let mut cols = line.split('|');
            let surfaces = cols.next()?.split(';').collect();
            let acronym = cols.next().filter(|a| !a.is_empty());
            let kind = match cols.next()? {
                "Government" => OrgKind::Government,
                "Party" => OrgKind::Party,
                "Media" => OrgKind::Media,
                "Company" => OrgKind::Company,
                "International" => OrgKind::International,
                "Military" => OrgKind::Military,
                _ => OrgKind::Other,
            };
            let country = cols.next().filter(|c| !c.is_empty());
            Some(KnownOrg {
                surfaces,
                acronym,
                kind,
                country,
            })
        })
        .collect()
});
