package seed

import (
	"strconv"
	"strings"
)

// topic is a health subject the generated articles are about. Templates refer to its
// fields as {C} (name), {c} (name in a sentence), {part}, {spec}, {sym}, {trig},
// {treat} and {test}.
type topic struct {
	name, lower, part, specialist string
	tags                          []string // slugs, most specific first
	symptoms, triggers            []string
	treatments, tests             []string
}

// topicTable is one topic a line: name | in a sentence | body part | specialist |
// tags | symptoms | triggers | treatments | tests. Lists are separated by ";".
const topicTable = `
Muscle Twitches|muscle twitches|eyelids and calves|neurologist|neurology,muscle-health|a flicker under the skin;a buzzing feeling;twitching that comes and goes|caffeine;dehydration;poor sleep;heavy exercise;stress|cutting back on caffeine;drinking more water;regular sleep;gentle stretching|a neurological examination;blood tests for electrolytes;electromyography
Myoclonus|myoclonus|arms and legs|neurologist|neurology,muscle-health|sudden brief jerks;jerks that start with movement;loss of muscle tone|sleep deprivation;certain medicines;kidney or liver problems|treating the underlying cause;anti-seizure medicines;physiotherapy|an EEG;an MRI scan;blood tests
Migraine|migraine|head|neurologist|neurology,pain|a throbbing headache;sensitivity to light;nausea;visual aura|skipped meals;poor sleep;bright light;hormonal changes;alcohol|pain relief taken early;triptans;preventive medicines;a regular routine|a headache diary;a neurological examination
Tension Headache|tension headache|head and neck|GP|neurology,pain|a band-like pressure;a dull ache;tight neck muscles|stress;poor posture;long screen time;dehydration|rest;over-the-counter pain relief;regular breaks;relaxation exercises|a physical examination;a headache diary
Restless Legs Syndrome|restless legs syndrome|legs|neurologist|neurology,sleep|an urge to move the legs;crawling sensations;symptoms worse at night|iron deficiency;caffeine;alcohol;some antidepressants|iron supplements when iron is low;leg massage;regular exercise;medicines for severe cases|blood tests for ferritin;a sleep history
Essential Tremor|essential tremor|hands|neurologist|neurology,healthy-ageing|shaking hands;a shaky voice;tremor worse with movement|caffeine;stress;fatigue|beta blockers;occupational therapy;weighted utensils|a neurological examination;handwriting and spiral tests
Muscle Cramps|muscle cramps|calves and feet|GP|muscle-health,fitness|a sudden tight knot;sharp pain;cramps at night|dehydration;heavy exercise;low magnesium;some medicines|stretching;massage;drinking enough fluids|blood tests for electrolytes;a review of medicines
Plantar Fasciitis|plantar fasciitis|heel|podiatrist|bone-health,fitness,pain|heel pain on first steps;pain after standing;a tender sole|running on hard surfaces;unsupportive shoes;weight gain|stretching the calf and foot;supportive footwear;orthotic insoles;rest from running|a physical examination;an ultrasound scan
Lower Back Pain|lower back pain|lower back|physiotherapist|pain,bone-health,fitness|a dull ache;stiffness;pain that spreads to the buttock|lifting;long sitting;poor posture;inactivity|staying active;physiotherapy;heat;pain relief for a short time|a physical examination;imaging only when red flags are present
Osteoarthritis|osteoarthritis|knees and hips|rheumatologist|bone-health,healthy-ageing,pain|joint pain;morning stiffness;a grinding feeling|age;previous injury;excess weight|exercise;weight loss;pain relief;joint replacement in severe cases|an examination;X-rays
Osteoporosis|osteoporosis|bones|GP|bone-health,healthy-ageing,womens-health|often no symptoms;a fracture after a minor fall;loss of height|menopause;low calcium;smoking;steroid medicines|weight-bearing exercise;calcium and vitamin D;bone-strengthening medicines|a DEXA scan;a fracture risk assessment
High Blood Pressure|high blood pressure|heart and arteries|GP|cardiology,prevention|usually no symptoms;headaches when very high|salt;alcohol;inactivity;excess weight;stress|lifestyle changes;blood pressure medicines;home monitoring|blood pressure readings;ambulatory monitoring;blood tests
Heart Palpitations|heart palpitations|chest|cardiologist|cardiology|a pounding heart;skipped beats;a fluttering feeling|caffeine;anxiety;alcohol;dehydration;nicotine|reducing triggers;treating an underlying rhythm problem|an ECG;a heart monitor worn for a few days;blood tests
Atrial Fibrillation|atrial fibrillation|heart|cardiologist|cardiology,healthy-ageing|an irregular pulse;breathlessness;tiredness;dizziness|age;high blood pressure;alcohol;thyroid problems|anticoagulants;rate control medicines;cardioversion;ablation|an ECG;an echocardiogram;blood tests
High Cholesterol|high cholesterol|blood vessels|GP|cardiology,nutrition,prevention|no symptoms|a diet high in saturated fat;inactivity;family history|diet changes;exercise;statins|a blood lipid test;a cardiovascular risk score
Iron Deficiency Anaemia|iron deficiency anaemia|blood|GP|nutrition,womens-health|tiredness;pale skin;shortness of breath;brittle nails|heavy periods;low iron intake;pregnancy;blood loss from the gut|iron tablets;iron-rich foods;treating the cause of blood loss|a full blood count;ferritin levels
Vitamin D Deficiency|vitamin D deficiency|bones and muscles|GP|nutrition,bone-health|aching bones;muscle weakness;tiredness|little time outdoors;darker skin;age|vitamin D supplements;safe sun exposure|a blood test for vitamin D
Magnesium Deficiency|magnesium deficiency|muscles and nerves|GP|nutrition,muscle-health|muscle cramps;twitching;tiredness|alcohol;some diuretics;digestive conditions|magnesium-rich foods;supplements when advised|blood tests for magnesium
Type 2 Diabetes|type 2 diabetes|blood sugar|GP|endocrinology,nutrition,prevention|thirst;passing urine often;tiredness;slow-healing cuts|excess weight;inactivity;family history|diet and exercise;metformin;other glucose-lowering medicines|an HbA1c test;a fasting glucose test
Hypothyroidism|an underactive thyroid|thyroid|endocrinologist|endocrinology,womens-health|tiredness;weight gain;feeling cold;dry skin;low mood|autoimmune disease;thyroid surgery;some medicines|levothyroxine;regular blood tests|a TSH blood test;thyroid antibodies
Hyperthyroidism|an overactive thyroid|thyroid|endocrinologist|endocrinology|weight loss;a racing heart;tremor;anxiety;heat intolerance|Graves' disease;thyroid nodules|anti-thyroid medicines;radioactive iodine;surgery|thyroid function tests;a thyroid scan
Insomnia|insomnia|sleep|GP|sleep,mental-health|trouble falling asleep;waking early;daytime tiredness|stress;caffeine;irregular hours;screens late at night|cognitive behavioural therapy for insomnia;a regular sleep schedule;short-term medicines|a sleep diary;questionnaires
Sleep Apnoea|sleep apnoea|airway|sleep specialist|sleep,respiratory|loud snoring;pauses in breathing;morning headaches;daytime sleepiness|excess weight;alcohol;sleeping on the back|CPAP;weight loss;mouth devices|a home sleep study;overnight polysomnography
Anxiety|anxiety|mind and body|psychologist|mental-health|constant worry;a racing heart;trouble sleeping;muscle tension|stress;caffeine;major life changes|talking therapies;exercise;medicines when needed|a conversation with a GP;questionnaires
Depression|depression|mood|psychiatrist|mental-health|low mood;loss of interest;tiredness;changes in sleep and appetite|stressful events;isolation;some illnesses|talking therapies;antidepressants;exercise;social support|a conversation with a GP;questionnaires
Burnout|burnout|mind and body|psychologist|mental-health,prevention|exhaustion;cynicism about work;poor concentration|long hours;lack of control;little recovery time|rest;changes at work;talking therapies|a conversation with a GP
Eczema|eczema|skin|dermatologist|dermatology,allergies,childrens-health|itchy skin;dry patches;cracked skin|soaps;heat;stress;allergens|emollients;steroid creams;avoiding triggers|a skin examination;allergy tests in some cases
Psoriasis|psoriasis|skin|dermatologist|dermatology|raised red patches;silvery scales;itching|stress;infections;some medicines;smoking|creams;light therapy;biologic medicines|a skin examination
Acne|acne|skin|dermatologist|dermatology,childrens-health|spots;blackheads;oily skin|hormonal changes;some cosmetics;some medicines|topical treatments;antibiotics;isotretinoin for severe acne|a skin examination
Hay Fever|hay fever|nose and eyes|GP|allergies,ear-nose-throat|sneezing;a runny nose;itchy eyes|pollen;dust;pet dander|antihistamines;nasal sprays;avoiding pollen|a history of symptoms;allergy tests
Asthma|asthma|airways|respiratory specialist|respiratory,allergies,childrens-health|wheezing;breathlessness;a tight chest;coughing at night|colds;cold air;exercise;pollen;smoke|inhalers;an asthma action plan;avoiding triggers|spirometry;peak flow monitoring
Acid Reflux|acid reflux|oesophagus|gastroenterologist|digestive-health|heartburn;an acid taste;a cough at night|large meals;alcohol;coffee;lying down after eating|smaller meals;antacids;proton pump inhibitors|a trial of treatment;endoscopy when needed
Irritable Bowel Syndrome|irritable bowel syndrome|gut|gastroenterologist|digestive-health|cramping;bloating;diarrhoea or constipation|stress;some foods;irregular meals|diet changes;fibre;antispasmodic medicines;talking therapies|blood tests to rule out other causes;a stool test
Coeliac Disease|coeliac disease|gut|gastroenterologist|digestive-health,nutrition|bloating;diarrhoea;weight loss;tiredness|gluten|a lifelong gluten-free diet|a blood test for antibodies;a gut biopsy
Kidney Stones|kidney stones|kidneys|urologist|kidney-health,pain|severe pain in the side;blood in the urine;nausea|dehydration;a diet high in salt;family history|pain relief;drinking more water;procedures to break up stones|a CT scan;urine tests
Urinary Tract Infection|a urinary tract infection|bladder|GP|kidney-health,womens-health,infectious-disease|burning when passing urine;needing to go often;cloudy urine|dehydration;pregnancy;menopause|antibiotics;drinking fluids|a urine dip test;a urine culture
Dry Eye|dry eye|eyes|optometrist|eye-health|gritty eyes;redness;blurred vision that clears with blinking|screens;air conditioning;contact lenses;age|eye drops;regular screen breaks;warm compresses|an eye examination
Tinnitus|tinnitus|ears|audiologist|ear-nose-throat,healthy-ageing|ringing;buzzing;hissing sounds|loud noise;earwax;age-related hearing loss|sound therapy;hearing aids;cognitive behavioural therapy|a hearing test;an ear examination
Sinusitis|sinusitis|sinuses|GP|ear-nose-throat,respiratory|a blocked nose;facial pain;a reduced sense of smell|colds;allergies;smoking|saline rinses;decongestants for a few days;steroid nasal sprays|an examination;imaging for long-lasting cases
Shingles|shingles|nerves and skin|GP|infectious-disease,dermatology,healthy-ageing|a painful band of rash;tingling before the rash;blisters|age;a weakened immune system;stress|antiviral medicines started early;pain relief;vaccination|an examination of the rash
Influenza|flu|lungs and airways|GP|infectious-disease,respiratory,prevention|fever;aching muscles;a dry cough;exhaustion|close contact with infected people;winter|rest;fluids;antivirals for people at risk;vaccination|a clinical diagnosis;swab tests in hospital
Menopause Symptoms|menopause symptoms|hormones|GP|womens-health,endocrinology|hot flushes;night sweats;low mood;joint aches|falling oestrogen levels|hormone replacement therapy;lifestyle changes;non-hormonal medicines|a conversation with a GP;blood tests in younger women
Polycystic Ovary Syndrome|polycystic ovary syndrome|ovaries|gynaecologist|womens-health,endocrinology|irregular periods;excess hair;acne;weight gain|insulin resistance;family history|lifestyle changes;hormonal contraceptives;metformin|blood tests;an ultrasound scan
Enlarged Prostate|an enlarged prostate|prostate|urologist|mens-health,healthy-ageing|needing to pass urine often;a weak stream;waking at night to urinate|age;hormonal changes|watchful waiting;medicines;surgery for severe symptoms|a urine test;a PSA blood test;an examination
Childhood Fever|fever in children|whole body|paediatrician|childrens-health,infectious-disease,first-aid|a high temperature;flushed cheeks;irritability|viral infections;vaccinations|fluids;paracetamol or ibuprofen for comfort;watching for warning signs|a thermometer reading;an examination
Concussion|concussion|brain|GP|neurology,first-aid,fitness|headache;confusion;dizziness;sensitivity to light|falls;contact sports;road accidents|rest followed by a gradual return to activity|a neurological assessment;a CT scan when red flags are present
Sprained Ankle|a sprained ankle|ankle|physiotherapist|first-aid,fitness,bone-health|swelling;bruising;pain when walking|uneven ground;sport;unsupportive shoes|rest;ice;compression;elevation;balance exercises|an examination;an X-ray when a fracture is possible
Gout|gout|joints|rheumatologist|bone-health,pain,nutrition|a hot swollen joint;severe pain;redness|alcohol;red meat;dehydration;some diuretics|anti-inflammatory medicines;colchicine;allopurinol|a blood test for uric acid;joint fluid analysis
Carpal Tunnel Syndrome|carpal tunnel syndrome|wrist and hand|hand surgeon|neurology,pain|tingling fingers;numbness at night;a weak grip|repetitive hand use;pregnancy;diabetes|wrist splints;steroid injections;surgery|nerve conduction studies;an examination
Vertigo|vertigo|inner ear|ENT specialist|ear-nose-throat,neurology|a spinning feeling;loss of balance;nausea|head movements;inner ear infections|repositioning manoeuvres;vestibular exercises;medicines for short periods|a balance examination;the Dix-Hallpike test
Dehydration|dehydration|whole body|GP|nutrition,first-aid,fitness|thirst;dark urine;dizziness;headache|hot weather;exercise;vomiting or diarrhoea|drinking fluids;oral rehydration solutions|an examination;blood tests in severe cases
`

// topics is topicTable, parsed.
var topics = parseTopics(topicTable)

func parseTopics(table string) []topic {
	var out []topic
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 9 {
			panic("seed: topic line with " + strconv.Itoa(len(f)) + " fields: " + line)
		}
		list := func(s string) []string { return strings.Split(s, ";") }
		out = append(out, topic{
			name: f[0], lower: f[1], part: f[2], specialist: f[3],
			tags:     strings.Split(f[4], ","),
			symptoms: list(f[5]), triggers: list(f[6]), treatments: list(f[7]), tests: list(f[8]),
		})
	}
	return out
}

// tagNames are the display names of the tags' slugs.
var tagNames = map[string]string{
	"neurology": "Neurology", "muscle-health": "Muscle health", "cardiology": "Heart health",
	"nutrition": "Nutrition", "sleep": "Sleep", "mental-health": "Mental health",
	"dermatology": "Skin", "digestive-health": "Digestive health", "endocrinology": "Hormones",
	"womens-health": "Women's health", "mens-health": "Men's health", "childrens-health": "Children's health",
	"healthy-ageing": "Healthy ageing", "fitness": "Fitness", "pain": "Pain",
	"respiratory": "Lungs and breathing", "infectious-disease": "Infections", "allergies": "Allergies",
	"eye-health": "Eyes", "ear-nose-throat": "Ear, nose and throat", "kidney-health": "Kidneys",
	"bone-health": "Bones and joints", "medications": "Medicines", "prevention": "Prevention",
	"first-aid": "First aid",
}

// generalTags may be added to any article besides its topic's own.
var generalTags = []string{"prevention", "medications", "healthy-ageing", "fitness", "nutrition", "sleep"}

var titleTemplates = []string{
	"Understanding {C}: Causes and Management",
	"{C}: Symptoms, Causes and Treatment",
	"What Is {C}? A Plain-Language Guide",
	"{C} {Q}: What to Know",
	"When to See a Doctor About {C}",
	"{N} Common Myths About {C}",
	"Living With {C}: Practical Tips for Everyday Life",
	"How {C} Is Diagnosed",
	"Treatment Options for {C}",
	"Can {Trig} Make {C} Worse?",
	"{C} and Sleep: What the Evidence Says",
	"Is {C} Serious? Warning Signs to Watch For",
	"Preventing {C}: What Works",
	"A Guide to {C} for Carers",
	"{C} {Q}: Causes and Care",
	"Questions to Ask Your {Spec} About {C}",
}

var audiences = []string{"in Children", "in Older Adults", "During Pregnancy", "in Athletes", "After 50",
	"in Teenagers", "in Women", "in Men", "at Work", "in Winter"}

var summaryTemplates = []string{
	"Most cases of {c} are manageable once you know what sets them off. Here is what causes {c}, how it is diagnosed and when to see a doctor.",
	"{C} is common, and usually not dangerous. This guide explains the symptoms, the usual triggers and the treatments that help.",
	"What {c} feels like, why it happens and what you can do about it, reviewed by a medical professional.",
	"From {sym} to {sym}: how to recognise {c}, which tests a {spec} may suggest and what treatment involves.",
	"{Trig} is one of the most common triggers of {c}. Learn which others to look out for and which warning signs need a doctor.",
	"A practical guide to {c}: everyday self-care, the treatments with the best evidence and the questions worth asking.",
}

var introTemplates = []string{
	"{C} is something many people live with at some point, often without knowing its name.",
	"Few things are as unsettling as {sym} that appears without warning.",
	"Doctors see {c} every week, and most of the time it can be managed well.",
	"If you have noticed {sym}, you are far from alone.",
	"This article explains what {c} is, what tends to set it off, and when it deserves a closer look.",
	"The good news is that most people with {c} improve with simple changes.",
	"Understanding the triggers is usually the first step towards feeling better.",
	"Below, we walk through the causes, the tests and the treatments that have the best evidence.",
}

var sectionHeadings = []string{
	"What is {c}?", "Common causes", "Symptoms to look out for", "How {c} is diagnosed",
	"Treatment and self-care", "When to see a doctor", "Living with {c}", "Preventing {c}",
	"Who is most at risk?", "What the research says", "Myths and facts", "Outlook",
}

var sentences = []string{
	"{C} usually affects the {part}, although it can show up elsewhere.",
	"Many people first notice {sym}, which can come and go over days or weeks.",
	"{Trig} is one of the most commonly reported triggers.",
	"Cutting back on {trig} helps a large share of people within a few weeks.",
	"Surveys suggest that up to {pct}% of adults experience {c} at some point.",
	"A {spec} may suggest {test} to rule out other causes.",
	"In most cases, {treat} is the first thing to try.",
	"Some people find that {treat} makes a noticeable difference.",
	"It is worth keeping a simple diary of symptoms, sleep and what you eat and drink.",
	"Symptoms are often worse after {trig}, and ease once it is avoided.",
	"Rarely, {c} can be a sign of a condition that needs treatment of its own.",
	"See a doctor promptly if symptoms spread, get steadily worse, or come with weakness or weight loss.",
	"Blood tests are often normal, which is reassuring rather than a reason to worry.",
	"Children and older adults may describe the symptoms differently.",
	"There is no single test for {c}; the diagnosis rests on the history and an examination.",
	"Medicines can help, but they work best alongside changes in daily habits.",
	"People who sleep poorly report {sym} more often.",
	"If {treat} does not help after a few weeks, ask your GP about {test}.",
	"Stress does not cause {c} on its own, but it often makes it harder to live with.",
	"Most people do not need a referral to a {spec}.",
	"Regular exercise improves symptoms for many, although very hard sessions can make them worse for a day or two.",
	"Alcohol and nicotine affect the {part} in ways that can mimic or worsen {c}.",
	"A review of your medicines is worthwhile, because several common prescriptions list {c} as a side effect.",
	"The outlook is good: most people with {c} lead full and active lives.",
	"Research on {c} has grown quickly over the past decade, though some questions remain open.",
	"Family history plays a part for some people, but it is rarely the whole story.",
}

var firstNames = strings.Fields(`Aisha Alex Amara Amelia Ana Andrei Anika Ben Carlos Chen Chloe Daniel David Diego
Elena Emma Fatima Femi Gabriel Grace Hana Hannah Hiroshi Ibrahim Ines Isabel Jack James Jana Javier Jin Joao
Jonas Jose Julia Kai Karim Kate Kofi Laura Leila Liam Lina Lucas Lucia Luis Maria Marta Mateo Maya Mehmet Mia
Michael Mohammed Nadia Naomi Nina Noah Olga Omar Oscar Paolo Pedro Priya Rafael Rahul Rosa Ruth Sam Sara Sean
Sofia Sophie Stefan Tariq Tom Uma Victor Wei Yara Yusuf Zainab Zoe Margaret Pat Chris Dev Ngozi Lars Ingrid Aroha`)

var lastNames = strings.Fields(`Adeyemi Ahmed Andersen Bakker Becker Brown Campbell Chen Costa Dubois Eriksson Evans
Fernandes Fischer Garcia Gonzalez Gupta Haddad Hansen Hughes Ivanova Jansen Jones Kaur Khan Kim Kowalski Kumar
Larsen Lee Lopez Martin Meyer Moreau Murphy Nakamura Nguyen Novak Okafor Olsen Patel Pereira Petrov Quinn Reyes
Rossi Sato Schmidt Silva Singh Smith Sousa Tanaka Taylor Thomas Walker Wang Weber Williams Wilson Wright Yilmaz
Zhang Mensah Whitaker OBrien Kovacs Horvath Lindqvist Nowak Castillo Moyo Banda`)

var emailDomains = []string{"example.com", "example.org", "example.net", "mail.example.com", "inbox.example.org"}

var userAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
	"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
	"Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
}

// Reply text, in the voice of readers. {who}, {dur} and {age} are filled from the
// lists below.
var replyOpeners = []string{
	"Thank you for this article.", "This was really helpful.", "Great explanation.",
	"I wish I had read this years ago.", "Very clear, thank you.", "Interesting read.",
	"I have a question.", "Sharing my experience in case it helps someone.", "",
}

var replySentences = []string{
	"I had {sym} for {dur} and was convinced it was something serious.",
	"{Who} has had {c} since {age}, and {trig} always makes it worse.",
	"My GP suggested {treat}, and it helped within a couple of weeks.",
	"Cutting out {trig} made the biggest difference for me.",
	"Is it normal for {sym} to last this long?",
	"Does anyone know whether {treat} is safe during pregnancy?",
	"I was sent for {test}, which came back normal.",
	"The section on when to see a doctor is exactly what I needed.",
	"I have started keeping a diary, as you suggest, and already see a pattern.",
	"It is reassuring to read that this is so common.",
	"Would {test} show anything if the symptoms come and go?",
	"{Who} was told it was stress, but {treat} is what finally worked.",
	"I am a nurse and I will be sharing this with patients.",
	"It took {dur} and two appointments before anyone mentioned {c}.",
	"Any tips for coping at work when it flares up?",
	"I noticed it mostly in my {part}, usually in the evening.",
}

var who = []string{"My mother", "My father", "My son", "My daughter", "My husband", "My wife", "My partner",
	"My sister", "My brother", "A friend of mine", "My grandmother"}

var durations = []string{"two weeks", "a month", "three months", "half a year", "over a year", "a few days",
	"most of the winter", "six weeks"}

var ages = []string{"her twenties", "his teens", "childhood", "retirement", "the birth of our first child",
	"a bad flu last year", "starting a new job"}

var spamBodies = []string{
	"Great post! Visit {url} for the best deals on supplements.",
	"Very informative. I found cheap medicines without prescription at {url} and {url}",
	"Nice article, check my site {url} for more health tips!!!",
	"Earn $5000 a week from home, see {url}",
	"Wow amazing content. {url}",
}

var spamNames = []string{"Best Deals", "cheap pills online", "SEO Expert", "Casino Bonus", "Crypto Trader",
	"Health Supplements Store"}

var heldReasons = []string{
	"every reply is held (manual moderation)", "first-time commenter", "has 2 links",
	"contains the hold word “cure”",
}

var spamReasons = []string{
	"filled in the hidden field that only robots see", "sent 0.4 s after the form was shown",
	"sent without the form's timestamp", "contains the spam word “casino”",
}

// publishers of references, with the form of their addresses ({s} is a slug).
var publishers = []struct{ name, url string }{
	{"MedlinePlus", "https://medlineplus.gov/{s}.html"},
	{"NHS", "https://www.nhs.uk/conditions/{s}/"},
	{"National Institutes of Health", "https://www.nih.gov/health-information/{s}"},
	{"Centers for Disease Control and Prevention", "https://www.cdc.gov/{s}/about/"},
	{"World Health Organization", "https://www.who.int/health-topics/{s}"},
	{"Cleveland Clinic", "https://my.clevelandclinic.org/health/diseases/{s}"},
	{"Stanford Medicine 25", "https://stanfordmedicine25.stanford.edu/the25/{s}.html"},
	{"Baylor College of Medicine", "https://www.bcm.edu/healthcare/specialties/{s}"},
	{"RUSH University Medical Center", "https://www.rush.edu/conditions/{s}"},
	{"The Ohio State University Wexner Medical Center", "https://wexnermedical.osu.edu/{s}"},
}

var journals = []struct{ name, doiPrefix string }{
	{"Cochrane Database of Systematic Reviews", "10.1002/14651858.CD"},
	{"BMJ", "10.1136/bmj."},
	{"The Lancet", "10.1016/S0140-6736("},
	{"JAMA", "10.1001/jama."},
	{"New England Journal of Medicine", "10.1056/NEJMoa"},
}

var referenceTitles = []string{
	"{C}: overview", "{C}: symptoms and causes", "Management of {c} in primary care",
	"{C}: diagnosis and treatment", "Living with {c}", "{C}: a systematic review",
	"Long-term outcomes of {c}: a cohort study", "Patient information: {c}",
}

var staffCredentials = []string{"MD, neurologist", "MD, general practitioner", "PharmD", "RN, MSc",
	"MD, cardiologist", "MD, dermatologist", "PhD, nutrition scientist"}
