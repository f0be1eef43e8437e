"""Word lists the rules read: country aliases (from ``summarizer.text``), demonyms, capitals,
known organisations.

Everything here is plain data; ``names.py`` turns it into one lookup table. Keys are
written as they appear in text (case matters: "US" is a country, "us" is not); hyphens
in keys stand for the hyphen or a space.
"""

from __future__ import annotations

from ..models import PartyKind


def words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a word list written as one string."""
    return tuple(text.split())


# --------------------------------------------------------------------------- countries

NOT_COUNTRIES: tuple[str, ...] = (
    # regions, seas and cities whose names contain a country's
    "North America", "South America", "Latin America", "Central America", "Americas",
    "Middle East", "Europe", "Asia", "Africa", "Indo-Pacific", "Mexico City", "Kuwait City",
    "Panama City", "Guatemala City", "Djibouti City", "New Mexico", "New Jersey",
    "South China Sea", "East China Sea", "Sea of Japan", "Gulf of Mexico", "Indian Ocean",
    "Arabian Gulf", "Black Sea", "New Guinea", "Korean Peninsula", "Man",
    "Georgia Tech", "Jordan River", "Congo River", "Niger River", "Dominican Sisters",
)

# --------------------------------------------------------------------------- demonyms

_DEMONYM_TABLE = """
Afghan AF; Albanian AL; Algerian DZ; American US; Andorran AD; Angolan AO; Argentine AR;
Argentinian AR; Armenian AM; Australian AU; Austrian AT; Azerbaijani AZ; Azeri AZ;
Bahamian BS; Bahraini BH; Bangladeshi BD; Barbadian BB; Belarusian BY; Belgian BE;
Belizean BZ; Beninese BJ; Bhutanese BT; Bolivian BO; Bosnian BA; Botswanan BW; Brazilian BR;
British GB; Bruneian BN; Bulgarian BG; Burkinabe BF; Burmese MM; Burundian BI;
Cambodian KH; Cameroonian CM; Canadian CA; Cape Verdean CV; Chadian TD; Chilean CL;
Chinese CN; Colombian CO; Comorian KM; Costa Rican CR; Croatian HR; Cuban CU; Cypriot CY;
Czech CZ; Danish DK; Djiboutian DJ; Dominican DO; Dutch NL; Ecuadorian EC; Egyptian EG;
Emirati AE; Equatorial Guinean GQ; Eritrean ER; Estonian EE; Ethiopian ET; Fijian FJ;
Filipino PH; Finnish FI; French FR; Gabonese GA; Gambian GM; Georgian GE; German DE;
Ghanaian GH; Greek GR; Grenadian GD; Guatemalan GT; Guinean GN; Guyanese GY; Haitian HT;
Honduran HN; Hungarian HU; Icelandic IS; Indian IN; Indonesian ID; Iranian IR; Iraqi IQ;
Irish IE; Israeli IL; Italian IT; Ivorian CI; Jamaican JM; Japanese JP; Jordanian JO;
Kazakh KZ; Kazakhstani KZ; Kenyan KE; Korean KR; South Korean KR; North Korean KP;
Kosovar XK; Kuwaiti KW; Kyrgyz KG; Lao LA; Laotian LA; Latvian LV; Lebanese LB;
Liberian LR; Libyan LY; Lithuanian LT; Luxembourgish LU; Malagasy MG; Malawian MW;
Malaysian MY; Maldivian MV; Malian ML; Maltese MT; Mauritanian MR; Mauritian MU;
Mexican MX; Moldovan MD; Monegasque MC; Mongolian MN; Montenegrin ME; Moroccan MA;
Mozambican MZ; Namibian NA; Nepalese NP; Nepali NP; New Zealand NZ; Nicaraguan NI;
Nigerien NE; Nigerian NG; Norwegian NO; Omani OM; Pakistani PK; Palestinian PS;
Panamanian PA; Papua New Guinean PG; Paraguayan PY; Peruvian PE; Philippine PH; Polish PL;
Portuguese PT; Qatari QA; Romanian RO; Russian RU; Rwandan RW; Salvadoran SV; Samoan WS;
Saudi SA; Senegalese SN; Serbian RS; Seychellois SC; Sierra Leonean SL; Singaporean SG;
Slovak SK; Slovenian SI; Slovene SI; Somali SO; South African ZA; South Sudanese SS;
Spanish ES; Sri Lankan LK; Sudanese SD; Surinamese SR; Swedish SE; Swiss CH; Syrian SY;
Taiwanese TW; Tajik TJ; Tanzanian TZ; Thai TH; Togolese TG; Tongan TO; Trinidadian TT;
Tunisian TN; Turkish TR; Turkmen TM; Ugandan UG; Ukrainian UA; Uruguayan UY; Uzbek UZ;
Venezuelan VE; Vietnamese VN; Yemeni YE; Zambian ZM; Zimbabwean ZW
"""

DEMONYMS: dict[str, str] = {
    " ".join(word.split()[:-1]): word.split()[-1]
    for word in (w.strip() for w in _DEMONYM_TABLE.split(";")) if word
}
"""Demonym → ISO code ("Pakistani" → "PK")."""

NOT_DEMONYMS: tuple[str, ...] = (
    "North American", "South American", "Latin American", "Central American",
    "African American", "Native American", "Asian American", "Indian Ocean",
    "French Polynesian", "New Mexican",
)

ACTOR_NOUNS: frozenset[str] = frozenset(words("""
official officials government governments authorities authority administration delegation
delegations envoy envoys ambassador ambassadors minister ministers ministry president
premier prime counterpart counterparts leader leaders leadership side sides firm firms
company companies conglomerate conglomerates enterprise enterprises corporation
corporations investor investors navy army military forces troops embassy diplomat
diplomats agency agencies state-owned lawmakers parliament team teams experts engineers
partners partner support assistance investment investments funding counterpart
mission missions coast chairman secretary foreign defence defense commerce trade
cabinet regulators regulator negotiators president's government's
"""))
"""Nouns that make a demonym an actor: "Chinese officials", "Romanian envoy"."""

DEMONYM_MODIFIERS: frozenset[str] = frozenset(words("""
state-owned state-run state senior top private public national federal central local
technology tech energy defence defense foreign trade naval military business
government and or , major leading
"""))
"""Words that may stand between a demonym and its actor noun."""

# --------------------------------------------------------------------------- capitals

CAPITALS: dict[str, str] = {
    "Beijing": "CN", "Islamabad": "PK", "Washington": "US", "Moscow": "RU", "Tehran": "IR",
    "New Delhi": "IN", "Tokyo": "JP", "Seoul": "KR", "Pyongyang": "KP", "London": "GB",
    "Paris": "FR", "Berlin": "DE", "Rome": "IT", "Madrid": "ES", "Ankara": "TR",
    "Riyadh": "SA", "Abu Dhabi": "AE", "Doha": "QA", "Cairo": "EG", "Kabul": "AF",
    "Kyiv": "UA", "Kiev": "UA", "Bucharest": "RO", "Warsaw": "PL", "Ottawa": "CA",
    "Canberra": "AU", "Brasilia": "BR", "Brasília": "BR", "Buenos Aires": "AR",
    "Hanoi": "VN", "Jakarta": "ID", "Manila": "PH", "Bangkok": "TH", "Kuala Lumpur": "MY",
    "Dhaka": "BD", "Colombo": "LK", "Kathmandu": "NP", "Pretoria": "ZA", "Nairobi": "KE",
    "Abuja": "NG", "Addis Ababa": "ET", "Ulaanbaatar": "MN", "Tashkent": "UZ",
    "Astana": "KZ", "Baku": "AZ", "Tbilisi": "GE", "Yerevan": "AM", "Minsk": "BY",
    "Budapest": "HU", "Prague": "CZ", "Vienna": "AT", "Athens": "GR", "Lisbon": "PT",
    "Stockholm": "SE", "Oslo": "NO", "Helsinki": "FI", "Copenhagen": "DK", "Dublin": "IE",
    "Bern": "CH", "Caracas": "VE", "Bogota": "CO", "Bogotá": "CO", "Lima": "PE",
    "Santiago": "CL", "Havana": "CU", "Baghdad": "IQ", "Damascus": "SY", "Beirut": "LB",
    "Amman": "JO", "Muscat": "OM", "Lusaka": "ZM", "Harare": "ZW", "Accra": "GH",
    "Dakar": "SN", "Rabat": "MA", "Algiers": "DZ", "Tunis": "TN", "Khartoum": "SD",
    "Taipei": "TW", "Phnom Penh": "KH", "Vientiane": "LA", "Wellington": "NZ",
    "Tel Aviv": "IL", "Jerusalem": "IL", "Kinshasa": "CD", "Luanda": "AO", "Maputo": "MZ",
}
"""Capitals that stand for their government ("Beijing said", "Islamabad's push")."""

CAPITAL_VERBS: frozenset[str] = frozenset(words("""
said says say announced announces has have had will would wants want agreed agrees
signed signs is was hopes hope plans plan seeks seek insists insisted rejected rejects
warned warns called calls urged urges accused accuses pushed pushes welcomed welcomes
approved approves offered offers proposed proposes sees saw views viewed expects expected
"""))

# --------------------------------------------------------------------------- organisations

KNOWN_ORGS: dict[str, tuple[str, PartyKind, str | None]] = {
    # key: (name, kind, country code)
    "European Union": ("European Union", "organisation", None),
    "EU": ("European Union", "organisation", None),
    "E.U.": ("European Union", "organisation", None),
    "United Nations": ("United Nations", "organisation", None),
    "UN": ("United Nations", "organisation", None),
    "U.N.": ("United Nations", "organisation", None),
    "ASEAN": ("ASEAN", "organisation", None),
    "Association of Southeast Asian Nations": ("ASEAN", "organisation", None),
    "African Union": ("African Union", "organisation", None),
    "NATO": ("NATO", "organisation", None),
    "World Bank": ("World Bank", "organisation", None),
    "IMF": ("International Monetary Fund", "organisation", None),
    "International Monetary Fund": ("International Monetary Fund", "organisation", None),
    "WTO": ("World Trade Organization", "organisation", None),
    "IAEA": ("International Atomic Energy Agency", "organisation", None),
    "OECD": ("OECD", "organisation", None),
    "OPEC": ("OPEC", "organisation", None),
    "APEC": ("APEC", "organisation", None),
    "World Health Organization": ("World Health Organization", "organisation", None),
    "NASA": ("NASA", "government_body", "US"),
    "USAID": ("USAID", "government_body", "US"),
    "USTDA": ("U.S. Trade and Development Agency", "government_body", "US"),
    "USTR": ("Office of the United States Trade Representative", "government_body", "US"),
    "Peace Corps": ("Peace Corps", "government_body", "US"),
    "Millennium Challenge Corporation": ("Millennium Challenge Corporation",
                                         "government_body", "US"),
}
"""Organisations known by name or acronym, with their kind."""

ORG_HEADS: dict[str, str] = {
    **dict.fromkeys(("Corporation", "Corp", "Company", "Co", "Group", "Inc", "Ltd", "Limited",
                     "LLC", "PLC", "Plc", "Holdings", "Conglomerate", "Enterprises",
                     "Industries", "Airlines", "Motors"),
                    "company"),
    **dict.fromkeys(("Ministry", "Department", "Agency", "Authority", "Administration",
                     "Office", "Bureau", "Directorate", "Secretariat", "Trust", "Guard",
                     "Forces", "Navy", "Army", "Corps", "Service", "Police", "Customs",
                     "Embassy", "Consulate", "Parliament", "Senate", "Commission", "Board"),
                    "government_body"),
    **dict.fromkeys(("University", "Institute", "Association", "Foundation", "Council",
                     "Organization", "Organisation", "Union", "Society", "Academy",
                     "Chamber", "Federation", "Center", "Centre", "Centers", "Centres", "Lab",
                     "Laboratory",
                     "Laboratories", "Bank", "Exchange", "Agencies"), "organisation"),
}
"""The last word of an organisation's name → its default kind."""

ORG_HEADS_NEED_COMPLEMENT: frozenset[str] = frozenset(
    {"Office", "Service", "Board", "Union", "Exchange"})
"""Heads too generic to stand without "of ..." after them ("Office of the ...")."""

INTERNATIONAL_PREFIXES: frozenset[str] = frozenset(
    {"International", "World", "Global", "United", "Asian", "African", "European",
     "Inter-American", "Islamic", "Commonwealth"})

GOVERNMENT_PREFIXES: frozenset[str] = frozenset(
    {"National", "Federal", "State", "Royal", "Government", "Presidential", "Central",
     "Provincial", "Ministerial", "Civil"})

GOVERNMENT_CUES: frozenset[str] = frozenset(
    {"ministry", "government", "state-run", "psdp-funded", "public", "federal", "statutory",
     "government-owned", "state", "department", "governmental"})
"""Words in an organisation's apposition that make it a government body."""

PRESS_WORDS: frozenset[str] = frozenset({"Press", "News", "Newsroom"})
"""Organisations named with these are sources, not actors."""

# --------------------------------------------------------------------------- people

TITLES: tuple[str, ...] = (
    "Assistant to the President", "Deputy Prime Minister", "Prime Minister",
    "Vice President", "President", "Foreign Minister", "Defence Minister",
    "Defense Minister", "Finance Minister", "Trade Minister", "Chief Minister",
    "Minister of State", "Minister", "Secretary of State", "Secretary-General",
    "Secretary General", "Deputy Secretary", "Under Secretary", "Assistant Secretary",
    "Secretary", "Director General", "Director-General", "Director", "Rear Admiral",
    "Vice Admiral", "Admiral", "Lieutenant General", "Major General", "General",
    "First Lady", "Crown Prince", "National Security Advisor", "National Security Adviser",
    "Special Envoy", "Envoy", "High Commissioner", "Commissioner", "Ambassador",
    "Chief Executive Officer", "Chief Executive", "CEO", "Chairman", "Chairwoman",
    "Chairperson", "Chair", "Governor", "Senator", "Premier", "Chancellor", "King", "Queen",
    "Emir", "Sultan", "Mayor", "Administrator", "Trade Representative", "Spokesperson",
    "Commerce Secretary", "Energy Secretary", "Treasury Secretary",
)

TITLE_MODIFIERS: frozenset[str] = frozenset(
    {"Federal", "Acting", "Deputy", "Senior", "Interim", "Former", "Provincial", "State",
     "Foreign", "Permanent", "Caretaker", "Executive"})

HONORIFICS: frozenset[str] = frozenset(
    {"Dr", "Mr", "Mrs", "Ms", "Prof", "Professor", "Sir", "Dame", "Hon", "H.H.", "H.E.",
     "H.R.H.", "Engr", "Eng"})

NAME_PARTICLES: frozenset[str] = frozenset(
    {"bin", "bint", "ibn", "al", "Al", "el", "El", "de", "da", "del", "della", "van", "von",
     "der", "den", "ul", "ur", "di", "du", "dos", "das", "la", "le", "ben"})


PORTFOLIO_WORDS: frozenset[str] = frozenset(words("""
Planning Development Special Initiatives Maritime Affairs Foreign Finance Commerce Trade
Industry Industries Production Defence Defense Energy Power Petroleum Health Education
Professional Training Interior Information Broadcasting Technology Telecommunication
Telecommunications Science Communications Railways Water Resources Economic Economy Climate
Change Environment Agriculture Food Security National Human Rights Law Justice Labour Labor
Employment Housing Works Transport Transportation Aviation Ports Shipping Investment
Privatisation Privatization Overseas Pakistanis Religious Harmony Tourism Culture Sports
Youth Women Social Welfare Home External Internal Revenue State Treasury Homeland Veterans
Public Relations International Cooperation Cabinet Digital Innovation Research Mines
Mining Minerals Oil Gas Natural Infrastructure Urban Rural Fisheries Forests Forestry
Parliamentary Coordination Narcotics Control Poverty Alleviation Safety Statistics
Industrial Strategic Strategy Asian African European Americas Pacific Ocean Oceans
Environmental Disarmament Nonproliferation Arms Policy Management Budget Affairs Immigration
Emergency Services Consumer Protection Competition Enterprise Small Business Heritage Arts
Media Regional Local Government Territories Sustainable Affairs Intelligence Operations
"""))
"""Capitalised words of a portfolio ("Minister for Maritime Affairs"): not part of a name."""

NAME_STOPWORDS: frozenset[str] = frozenset(words("""
The A An This That These Those He She They We It His Her Their Our Its In On At For And
Of To With By From As But Or If When While After Before During Since Under Over Both Each
Government Ministry Department Office Agency Council Committee Summit Conference Assembly
Administration Commission Congress Parliament Senate Cabinet Embassy Republic Kingdom
State States Union Federation January February March April May June July August September
October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday
Today Yesterday Tomorrow Said Says Also Pursuant Nations Initiative Agreement Partnership
Program Programme Project Plan Fund Forum Dialogue Strategy Act Law Emergency Budget
Relief Malaria AIDS Trust Authority Institute University Center Centre Group Corporation
Company Bank Foundation
"""))
"""Capitalised words that never start or continue a person's name."""

APPOSITION_TITLES: tuple[str, ...] = (
    "Acting Chairman", "Chairman", "Chairwoman", "Chairperson", "Chair", "Director General",
    "Director", "Chief Executive Officer", "Chief Executive", "CEO", "Head", "President",
    "Secretary", "Spokesperson", "Governor", "Commander", "Managing Director", "Minister",
    "Ambassador",
)
"""Titles in an apposition after a name: "Name, Acting Chairman of the Karachi Port Trust"."""

FUNCTION_CAPS: frozenset[str] = frozenset(words("""
The A An This That These Those Its Their Our His Her Both Each Every Under In On At By For
With From Through As And Of To When While After Before Since During If But Or Today
Pursuant Building According Also Following Between Among Within Without Including Once
One Two Three Four Five Six Seven Eight Nine Ten Another Several Many Some
"""))
"""Capitalised function words that start sentences but never start a name."""
