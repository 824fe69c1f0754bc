"""Word pools for names: drawn from with a seeded rng, faster than Faker."""

# (city, ZIP, area code) -- real California cities, plausible ZIPs.
CA_CITIES = [
    ("Los Angeles", "90012", "213"), ("Los Angeles", "90028", "323"), ("Oakland", "94607", "510"),
    ("San Francisco", "94103", "415"), ("San Jose", "95112", "408"), ("Sacramento", "95811", "916"),
    ("San Diego", "92101", "619"), ("Long Beach", "90802", "562"), ("Fresno", "93721", "559"),
    ("Santa Rosa", "95401", "707"), ("Eureka", "95501", "707"), ("Arcata", "95521", "707"),
    ("Ukiah", "95482", "707"), ("Santa Cruz", "95060", "831"), ("Salinas", "93901", "831"),
    ("Berkeley", "94704", "510"), ("Palm Springs", "92262", "760"), ("Desert Hot Springs", "92240", "760"),
    ("Riverside", "92501", "951"), ("Santa Ana", "92701", "714"), ("Costa Mesa", "92626", "949"),
    ("Pasadena", "91101", "626"), ("Santa Barbara", "93101", "805"), ("San Luis Obispo", "93401", "805"),
    ("Stockton", "95202", "209"), ("Modesto", "95354", "209"), ("Redding", "96001", "530"),
    ("Chico", "95928", "530"), ("Vallejo", "94590", "707"), ("Richmond", "94804", "510"),
    ("Hayward", "94541", "510"), ("Bakersfield", "93301", "661"), ("Oxnard", "93030", "805"),
    ("Venice", "90291", "310"), ("West Hollywood", "90069", "310"), ("Culver City", "90232", "310"),
    ("Emeryville", "94608", "510"), ("Petaluma", "94952", "707"), ("Napa", "94559", "707"),
    ("Monterey", "93940", "831"),
]

NAME_LEAD = [
    "Green", "Golden", "Emerald", "High", "Pacific", "Coastal", "Redwood", "Sunset", "Canyon",
    "Blue", "Purple", "Sacred", "Mystic", "Elevated", "Humboldt", "Cali", "Bay", "Valley",
    "Sierra", "Jade", "Silver", "Lucky", "Royal", "Urban", "Harvest", "Wild", "Honest",
    "Good", "Higher", "Cloud", "Lotus", "Sage", "Evergreen", "Nugget", "Kush", "Terp",
]
NAME_CORE = [
    "Leaf", "Bud", "Tree", "Garden", "Grove", "Tide", "Bloom", "Flower", "Roots", "Crown",
    "Path", "Haze", "Light", "Ridge", "Wave", "Fox", "Bear", "Owl", "Leaf & Vine", "Stone",
    "Meadow", "Orchard", "Trail", "Summit", "Hive", "Smoke", "Cloud", "Canopy", "Seed",
]
NAME_KIND = [
    "Dispensary", "Collective", "Cannabis Co.", "Wellness", "Provisions", "Apothecary",
    "Cannabis Club", "Supply", "Farmacy", "Delivery", "Distro", "Market", "Remedies",
    "Wellness Center", "Cannabis Exchange",
]

VENDOR_NAMES = [
    "NorCal Farms", "Emerald Triangle Growers", "Humboldt Harvest Co", "Mendocino Gardens",
    "Trinity Alps Cultivation", "Sacramento Valley Farms", "Central Coast Growers",
    "SoCal Premium Supply", "Bay Area Botanicals", "Sierra Nevada Farms",
    "Redwood Valley Collective", "Golden State Cultivators", "Pacific Coast Cannabis",
    "Desert Bloom Farms", "Mountain View Gardens",
]

BRAND_WORDS = [
    "Reserve", "Select", "Craft", "Gold", "Private Stock", "Farm Fresh", "Sungrown",
    "Heritage", "Small Batch", "Classics",
]

# (name, category) -- well-known strains; categories as TERP keeps them (indica,
# sativa or hybrid: its strain router allows no other).
STRAINS = [
    ("Blue Dream", "hybrid"), ("OG Kush", "hybrid"), ("Sour Diesel", "sativa"),
    ("Girl Scout Cookies", "hybrid"), ("Gelato", "hybrid"), ("Wedding Cake", "hybrid"),
    ("Granddaddy Purple", "indica"), ("Jack Herer", "sativa"), ("Gorilla Glue #4", "hybrid"),
    ("Zkittlez", "indica"), ("Runtz", "hybrid"), ("Purple Punch", "indica"),
    ("Pineapple Express", "hybrid"), ("Northern Lights", "indica"), ("Green Crack", "sativa"),
    ("Durban Poison", "sativa"), ("Bubba Kush", "indica"), ("Super Lemon Haze", "sativa"),
    ("Mimosa", "hybrid"), ("Ice Cream Cake", "indica"), ("Apple Fritter", "hybrid"),
    ("Biscotti", "indica"), ("Sherbert", "hybrid"), ("Do-Si-Dos", "indica"),
    ("MAC 1", "hybrid"), ("Tangie", "sativa"), ("Strawberry Cough", "sativa"),
    ("Forbidden Fruit", "indica"), ("Lemon Cherry Gelato", "hybrid"), ("Cereal Milk", "hybrid"),
    ("Gary Payton", "hybrid"), ("Jealousy", "hybrid"), ("Pink Runtz", "hybrid"),
    ("Blue Zushi", "hybrid"), ("Permanent Marker", "indica"), ("Slurricane", "indica"),
    ("Trainwreck", "sativa"), ("Maui Wowie", "sativa"), ("Skywalker OG", "indica"),
    ("Headband", "hybrid"), ("Chemdawg", "hybrid"), ("White Widow", "hybrid"),
    ("Cherry Pie", "hybrid"), ("Ghost Train Haze", "sativa"), ("Platinum OG", "indica"),
    ("Harlequin", "sativa"), ("ACDC", "sativa"), ("Cannatonic", "hybrid"),
    ("Candyland", "sativa"), ("Motorbreath", "indica"), ("Grape Ape", "indica"),
    ("Lemon Tree", "hybrid"), ("Garlic Cookies", "indica"), ("Kush Mints", "hybrid"),
    ("Papaya", "indica"), ("Animal Mints", "hybrid"),
]
# The CBD-dominant ones among them (and their phenotypes).
CBD_DOMINANT = ("Harlequin", "ACDC", "Cannatonic")
