"""English word and sentence banks for the demo site.

Sentences carry slots (``{name}``, ``{Name}``, ``{area}``, ``{cause}``, ``{cause2}``,
``{symptom}``, ``{symptom2}``) filled from a :class:`Topic`, so a few dozen sentences combine into
hundreds of distinct, plausible articles. A sentence naming one cause or symptom uses the first
slot: the generator rotates the slots per sentence, so neighbouring sentences name different ones.
Advice items never contain digits followed by a marker-like character, so no item can be mistaken
for the start of the next one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    area: str
    symptoms: tuple[str, str]
    causes: tuple[str, str, str]


TOPICS = (
    Topic(
        "insomnia",
        "sleep",
        ("lying awake for hours after going to bed", "waking up too early"),
        ("stress at work", "irregular working hours", "drinking coffee late in the day"),
    ),
    Topic(
        "lower back pain",
        "the lower back",
        ("a dull ache across the waist", "stiffness when bending over"),
        (
            "sitting in a fixed posture for long hours",
            "lifting heavy objects the wrong way",
            "weak core muscles",
        ),
    ),
    Topic(
        "muscle cramps",
        "the calves and feet",
        ("sudden tightness in the calf", "a hard knot in the muscle that lasts for minutes"),
        (
            "a lack of fluids and electrolytes",
            "intense exercise without a warm-up",
            "cold temperatures at night",
        ),
    ),
    Topic(
        "migraine",
        "the head",
        ("a throbbing pain on one side of the head", "sensitivity to light and noise"),
        ("skipped meals", "poor sleep", "changes in hormone levels"),
    ),
    Topic(
        "acid reflux",
        "the stomach and throat",
        ("a burning feeling behind the breastbone", "a sour taste in the mouth"),
        ("large meals late at night", "spicy and greasy food", "lying down right after eating"),
    ),
    Topic(
        "eczema",
        "the skin",
        ("dry, itchy patches on the elbows and knees", "red skin that cracks in winter"),
        ("harsh soaps", "dry indoor air", "allergies that run in the family"),
    ),
    Topic(
        "acne",
        "the face",
        ("blocked pores and red spots", "painful bumps along the jawline"),
        ("excess oil on the skin", "hormone changes", "touching the face with unwashed hands"),
    ),
    Topic(
        "dry eyes",
        "the eyes",
        ("a gritty feeling in the eyes", "blurred vision after reading"),
        (
            "long hours in front of screens",
            "air conditioning",
            "wearing contact lenses for too long",
        ),
    ),
    Topic(
        "hay fever",
        "the nose and eyes",
        ("sneezing fits in the morning", "a runny nose and watery eyes"),
        ("pollen in spring", "dust mites", "pet hair"),
    ),
    Topic(
        "high blood pressure",
        "the heart and blood vessels",
        ("headaches in the morning", "a feeling of pressure in the head"),
        ("too much salt", "a lack of exercise", "being overweight"),
    ),
    Topic(
        "constipation",
        "the bowels",
        ("hard stools that are difficult to pass", "a bloated feeling in the belly"),
        ("too little fibre in the diet", "not drinking enough water", "ignoring the urge to go"),
    ),
    Topic(
        "the common cold",
        "the nose and throat",
        ("a blocked nose", "a mild fever and tiredness"),
        (
            "viruses passed on by hand contact",
            "crowded indoor places",
            "a weak immune system after poor sleep",
        ),
    ),
    Topic(
        "a sore throat",
        "the throat",
        ("pain when swallowing", "a hoarse voice"),
        ("viral infections", "dry air", "talking loudly for long periods"),
    ),
    Topic(
        "neck stiffness",
        "the neck and shoulders",
        ("pain when turning the head", "tight shoulders at the end of the day"),
        (
            "looking down at a phone for hours",
            "a pillow that is too high",
            "cold drafts from an air conditioner",
        ),
    ),
    Topic(
        "knee pain",
        "the knees",
        ("pain when climbing stairs", "swelling after a long walk"),
        ("extra body weight", "overuse during sport", "wear of the joint cartilage"),
    ),
    Topic(
        "anaemia",
        "the blood",
        ("constant tiredness", "pale skin and dizziness when standing up"),
        ("too little iron in the diet", "heavy periods", "poor absorption of nutrients"),
    ),
    Topic(
        "dandruff",
        "the scalp",
        ("white flakes on the shoulders", "an itchy scalp"),
        ("an oily scalp", "washing the hair too rarely", "stress and cold weather"),
    ),
    Topic(
        "bleeding gums",
        "the gums",
        ("blood in the sink after brushing", "red and swollen gums"),
        ("plaque along the gum line", "brushing too hard", "a lack of vitamin C"),
    ),
    Topic(
        "motion sickness",
        "the inner ear",
        ("nausea in the car", "cold sweats and dizziness"),
        (
            "reading while travelling",
            "a mismatch between what the eyes and the ears sense",
            "travelling on an empty stomach",
        ),
    ),
    Topic(
        "indigestion",
        "the upper abdomen",
        ("a full feeling after only a few bites", "burping and mild stomach pain"),
        ("eating too fast", "fatty meals", "stress"),
    ),
    Topic(
        "plantar fasciitis",
        "the heel",
        ("sharp pain with the first steps in the morning", "an ache after standing for long"),
        (
            "flat shoes with little support",
            "sudden increases in running distance",
            "tight calf muscles",
        ),
    ),
    Topic(
        "tension headaches",
        "the forehead and temples",
        ("a band of pressure around the head", "tender muscles in the neck"),
        ("long hours at a desk", "eye strain", "skipping meals"),
    ),
    Topic(
        "chronic fatigue",
        "the whole body",
        ("feeling tired even after a full night of sleep", "trouble concentrating"),
        ("poor sleep quality", "a diet low in iron", "little physical activity"),
    ),
    Topic(
        "mouth ulcers",
        "the mouth",
        ("small painful sores inside the cheek", "stinging when eating salty food"),
        ("biting the cheek by accident", "stress", "a lack of certain vitamins"),
    ),
    Topic(
        "varicose veins",
        "the legs",
        ("swollen blue veins on the calves", "heavy, aching legs in the evening"),
        ("standing for long hours", "pregnancy", "weak valves in the veins"),
    ),
    Topic(
        "sunburn",
        "the skin",
        ("red, hot skin", "peeling a few days later"),
        (
            "too much time in the midday sun",
            "skipping sunscreen",
            "light reflected from water and sand",
        ),
    ),
    Topic(
        "snoring",
        "the airway",
        ("loud breathing noises at night", "a dry mouth in the morning"),
        ("sleeping on the back", "alcohol before bed", "a blocked nose"),
    ),
    Topic(
        "shoulder pain",
        "the shoulders",
        ("pain when lifting the arm", "stiffness in the morning"),
        ("repetitive overhead work", "poor posture", "sleeping on one side"),
    ),
    Topic(
        "heat rash",
        "the skin",
        ("tiny red bumps on the neck and chest", "a prickly feeling in hot weather"),
        ("blocked sweat glands", "tight clothing", "humid weather"),
    ),
    Topic(
        "bloating",
        "the belly",
        ("a swollen, tight stomach after meals", "frequent wind"),
        ("fizzy drinks", "eating too quickly", "certain beans and vegetables"),
    ),
)

TITLE_PATTERNS = {
    "conditions": (
        "What causes {name}?",
        "Is {name} serious?",
        "What are the early signs of {name}?",
        "Why does {name} keep coming back?",
    ),
    "daily-care": (
        "How to relieve {name} at home",
        "How to prevent {name} in daily life",
        "Simple habits that ease {name}",
        "What should people with {name} pay attention to?",
    ),
    "nutrition": (
        "What to eat when you have {name}",
        "Foods that may make {name} worse",
        "Can diet help with {name}?",
        "Drinks and snacks to choose with {name}",
    ),
    "fitness": (
        "Should you exercise with {name}?",
        "How regular exercise helps with {name}",
        "Staying active when you live with {name}",
        "Everyday movement habits that ease {name}",
    ),
}

INTROS = (
    "{Name} is one of the most common reasons people visit a family doctor.",
    "Many people have experienced {name} at some point in their lives.",
    "In daily life, {name} troubles more people than we might expect.",
    "Summer or winter, {name} can appear when we least expect it.",
    "I believe many people have had the experience of {name}.",
    "{Name} is not a serious illness in most cases, but it can be very uncomfortable.",
    "As the pace of life speeds up, more and more people complain of {name}.",
    "Few things ruin a good day as quickly as {name}.",
    "{Name} affects people of all ages, although it becomes more common with age.",
    "Doctors say that {name} is often a signal from the body rather than a disease in itself.",
    "When it comes to {name}, many people simply wait for it to pass.",
    "In recent years, more and more office workers have suffered from {name}.",
    "Have you ever wondered why {name} seems to come back again and again?",
    "It is easy to ignore {name} until it starts to affect sleep and work.",
    "In fact, {name} is closely related to the way we live every day.",
    "Anyone who has dealt with {name} knows how much it can wear you down.",
)

FOLLOW_INTROS = (
    "So, what is behind it, and what can we do about it? Let us take a detailed look.",
    "So, what exactly causes it? Now let me give you a detailed analysis.",
    "The good news is that simple changes often make a real difference.",
    "Knowing where it comes from is the first step towards feeling better.",
    "Below we look at the causes, the typical signs and what helps.",
    "Understanding the problem makes it much easier to manage.",
)

CAUSES = (
    "Most research suggests that {name} is closely linked to {cause}.",
    "Another common trigger is {cause}.",
    "Doctors often point to {cause} as the starting point of the problem.",
    "In many patients, {cause} makes the discomfort noticeably worse.",
    "Some occupations require working in a fixed posture, which puts extra strain on {area}.",
    "Habits such as {cause} slowly wear down the body's natural defences.",
    "Age, family history and general fitness also play a part.",
    "When {cause} and {cause2} come together, the risk rises sharply.",
)

SYMPTOMS = (
    "Typical signs include {symptom} and {symptom2}.",
    "Some patients first notice {symptom}, especially in the morning.",
    "In milder cases there is only {symptom}, while severe cases bring {symptom2} as well.",
    "People often describe {symptom} that comes and goes over several days.",
    "The discomfort usually centres on {area}, but it can spread.",
    "It is worth paying attention when {symptom} appears without an obvious reason.",
)

BACKGROUND = (
    "Surveys suggest that around 30% of adults deal with this problem every year.",
    "A study published in 2019 followed more than 2,000 adults for 5 years.",
    "Adults are usually advised not to take more than 3 tablets of a common painkiller a day.",
    "A dose of 1.5 mg is sometimes mentioned online, but only a doctor can decide on medicine.",
    "Since COVID-19, many clinics also offer video consultations for mild complaints.",
    "Experts recommend that adults sleep 7 to 9 hours a night.",
    "Traditional Chinese Medicine links the problem to poor circulation and blocked meridians.",
    "Women and older adults report the problem slightly more often than young men.",
    "Weather, workload and mood all influence how strongly the symptoms are felt.",
)

TREATMENTS = (
    "Mild cases usually improve with rest and simple changes in daily habits.",
    "If the discomfort lasts for more than two weeks, it is best to see a doctor.",
    "Warm compresses and gentle massage can ease the pain for a while.",
    "Over-the-counter remedies may help, but they should not be used for long without advice.",
    "Generally, a balanced diet and enough rest are the foundation of recovery.",
    "A doctor can rule out other conditions and suggest a suitable treatment plan.",
    "Physiotherapy is often recommended when the problem keeps returning.",
    "Do not try several remedies at once, or it becomes hard to tell what works.",
)

LEADS = (
    "Then, pay attention to the following in daily life:",
    "Here are a few things that can help:",
    "Doctors recommend the following steps:",
    "To reduce the risk of {name}, keep these points in mind:",
    "The following habits are worth trying:",
    "If you want to feel better soon, remember these tips:",
)

AFTER_LIST = (
    "Patients should eat more fresh vegetables and fruits, especially green vegetables.",
    "These measures take some patience, but most people notice a change within weeks.",
    "Don't wear tight or heavy clothes when working or exercising.",
    "Family members can help by keeping the home quiet and tidy.",
    "It also helps to keep a relaxed attitude rather than worrying about every symptom.",
    "Children and older people should be watched more closely.",
)

CLOSINGS = (
    "With patience and good habits, most people find that {name} becomes much easier to manage.",
    "In short, prevention matters more than treatment.",
    "Keep a positive mood, because stress tends to make every symptom worse.",
    "If you are unsure about your condition, ask a professional doctor for a diagnosis.",
    "We hope the information above is helpful to you and your family.",
    "Listen to your body, and do not ignore warning signs that keep returning.",
    "Small daily steps add up, and the body usually rewards them.",
)

REVISIONS = (
    "Updated guidance from family doctors now stresses regular check-ups for this problem.",
    "Recent advice also recommends keeping a simple symptom diary for a month.",
    "Newer reviews suggest that gentle, regular activity works better than long rest.",
    "Pharmacists now advise reading the label carefully before combining any remedies.",
    "Health services have recently added online self-checks for this complaint.",
    "A newer survey found that many people wait far too long before asking for help.",
)

ADVICE = (
    "Drink enough water throughout the day, especially in hot weather.",
    "Go to bed and get up at about the same time every day, even at weekends.",
    "Stand up, walk around and stretch after every hour of sitting.",
    "Warm up for a few minutes before any kind of exercise.",
    "Eat more fresh vegetables and fruit, especially green leafy vegetables.",
    "Cut down on salty, greasy and fried food.",
    "Keep the bedroom dark, quiet and a little cool.",
    "Avoid coffee, strong tea and energy drinks in the afternoon and evening.",
    "Do not smoke, and keep away from second-hand smoke.",
    "Keep alcohol to a minimum, and never drink on an empty stomach.",
    "Wash your hands with soap before meals and after coming home.",
    "Choose comfortable shoes with good arch support.",
    "Keep your screen at eye level and your shoulders relaxed.",
    "Take short breaks from the screen and look at something far away.",
    "Wear loose, breathable clothes made of cotton.",
    "Use a mild, fragrance-free cleanser instead of harsh soap.",
    "Apply a simple moisturiser after every shower.",
    "Eat slowly and stop before you feel completely full.",
    "Do not lie down for at least two hours after a meal.",
    "Keep a short diary of when the symptoms appear and what you ate.",
    "Try gentle exercise such as walking, swimming or cycling on most days.",
    "Stretch the calves and thighs gently before going to bed.",
    "Keep your weight in a healthy range through diet and activity.",
    "Lift heavy objects by bending the knees rather than the waist.",
    "Change your pillow if it is too high or too soft.",
    "Use sunscreen on exposed skin, even on cloudy days.",
    "Open the windows for fresh air at least twice a day.",
    "Learn a simple breathing exercise to calm down when you feel stressed.",
    "Do not scratch or squeeze the affected skin.",
    "Rinse your mouth with warm salt water after meals.",
    "Brush your teeth gently twice a day with a soft toothbrush.",
    "Keep your feet and legs warm in cold weather.",
    "Sit near a window and look at the horizon when travelling.",
    "Eat small, regular meals instead of a few large ones.",
    "Add whole grains, beans and oats to your daily diet.",
    "Limit sweets and sugary drinks, which can make inflammation worse.",
    "Keep a humidifier in the bedroom during dry months.",
    "Put your phone away at least half an hour before sleep.",
    "Do sports or work in a relaxed mood.",
    "See a doctor if the symptoms get worse or do not improve within two weeks.",
)

ADVICE_FOLLOW_UPS = (
    "For example, keep a bottle of water on your desk as a reminder.",
    "This small habit is often more effective than people expect.",
    "Even a short walk after lunch makes a difference.",
    "Ask a pharmacist if you are unsure which product to choose.",
    "Over time, the body adapts and the routine becomes easier.",
    "Children and older people need extra care here.",
    "If you work night shifts, try to keep the same routine on your days off.",
    "Many people notice an improvement within a few weeks.",
)

HEADINGS = (
    (
        "Keep a regular routine",
        "The body likes rhythm. Regular meal and sleep times help the nervous and digestive "
        "systems work smoothly.",
    ),
    (
        "Move a little every day",
        "You do not need a gym. A brisk walk of about 30 minutes on most days already improves "
        "circulation and mood.",
    ),
    (
        "Watch what you eat",
        "Heavy, salty and very sweet food puts extra load on the body. Build meals around "
        "vegetables, whole grains and lean protein.",
    ),
    (
        "Drink water before you feel thirsty",
        "Thirst is a late signal. Sip water regularly, and drink more on hot days or after sport.",
    ),
    (
        "Give your eyes a rest",
        "Every twenty minutes, look at something far away for a few seconds to relax the eye "
        "muscles.",
    ),
    (
        "Take care of your posture",
        "Sit with your back supported and your feet flat on the floor. Adjust the chair rather "
        "than bending towards the screen.",
    ),
    (
        "Manage stress before it builds up",
        "Short breaks, breathing exercises and time outdoors all lower stress hormones.",
    ),
    (
        "Dress for the weather",
        "Cold and damp weather tighten muscles and joints. Layers let you adjust as the day "
        "changes.",
    ),
    (
        "Protect your skin",
        "Gentle cleansing, a plain moisturiser and sunscreen cover most of what healthy skin "
        "needs.",
    ),
    (
        "Sleep in a comfortable position",
        "A pillow of the right height keeps the neck in line with the spine and reduces morning "
        "stiffness.",
    ),
    (
        "Know when to see a doctor",
        "Sudden, severe or worsening symptoms need a proper examination rather than home care.",
    ),
    (
        "Ditch the crash diets",
        "Very low-calorie plans often backfire. Steady, moderate changes are easier to keep.",
    ),
    (
        "Stretch before and after exercise",
        "Warm muscles are less likely to cramp or strain. Hold each stretch gently for a few "
        "breaths.",
    ),
    (
        "Keep your home clean and airy",
        "Dust, mould and stale air irritate the airways. Air the rooms daily and wash bedding "
        "often.",
    ),
)

REFERENCES = (
    "Harrison P, Moore L. Daily habits and recurrent headaches. J Fam Pract. 2018;14(2):101-9.",
    "Nakamura T, et al. Hydration and muscle cramps in adults. Sports Med. 2020;50(6):1123-31.",
    "World Health Organization. Guidelines on physical activity. Geneva: WHO; 2020.",
    "Osei A, Brandt K. Sleep duration and chronic pain. Pain Rep. 2019;4(3):e745.",
    "Lindqvist M. Diet quality and digestive complaints. Nutr Rev. 2021;79(8):880-92.",
    "Garcia R, Patel S. Screen time and dry eye symptoms. Ophthalmology. 2022;129(1):44-52.",
    "National Institute for Health and Care Excellence. Low back pain in over 16s. NG59; 2016.",
    "Kowalski J. Posture and neck pain in office workers. Occup Med. 2017;67(9):700-4.",
)

BULLET_LEADS = (
    "See a doctor promptly if you notice any of the following:",
    "Warning signs that need attention include:",
)

WARNING_SIGNS = (
    "a fever that lasts more than three days",
    "pain that wakes you up at night",
    "weight loss without trying",
    "numbness or weakness in the arms or legs",
    "symptoms that keep getting worse despite rest",
    "blood in the stool or urine",
)

AUTHORS = (
    "Emily Carter",
    "James Whitfield",
    "Priya Nair",
    "Daniel Okafor",
    "Laura Chen",
    "Michael Brennan",
    "Sofia Martins",
    "Thomas Reid",
)

REVIEWERS = ("Dr Hannah Weiss, MD", "Dr Samuel Adeyemi, MD", "Dr Claire Dubois, MD")

COMMENTERS = ("Sarah K.", "mike_runs", "Grandma Jo", "Tom", "Anita", "healthnut88", "Lee")

COMMENTS = (
    "Thanks, this was really helpful. I tried tip 2 last week and slept much better.",
    "My mother has had this for years, I will share the article with her.",
    "Is it safe to do these exercises during pregnancy?",
    "Clear and easy to read, thank you.",
    "I wish my doctor had explained it like this.",
    "Water and stretching made the biggest difference for me.",
    "Does anyone know if this also applies to children?",
    "Bookmarked. The part about posture was an eye opener.",
)

ADS = (
    "Feeling tired all the time? Try our 14-day vitamin plan and feel the difference.",
    "Sleep better tonight: memory foam pillows now 30% off.",
    "Compare health insurance plans in 2 minutes. Get a free quote today.",
    "Book an online consultation with a certified nutritionist.",
    "Orthopedic insoles for all-day comfort. Free delivery.",
    "Download our free healthy-recipes e-book.",
)

PARTNER_ADS = (
    "Partner Health Weekly: subscribe for our print edition and save 40%.",
    "Listen to the Partner Health Weekly podcast, new episodes every Monday.",
)
