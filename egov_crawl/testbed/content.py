"""Thai and English text for the generated sites: dates in the Buddhist era, names, news topics, OIT items.

Thai government sites write dates as day, Thai month name, Buddhist-era year (CE + 543), often in Thai digits
(๑๕ พฤศจิกายน ๒๕๖๙); the fiscal year runs 1 October – 30 September and is named by the BE year it ends in.
"""

from __future__ import annotations

from datetime import date

BE_OFFSET = 543
THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
ENGLISH_MONTHS = (
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
)
_TO_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai_digits(text: str) -> str:
    return text.translate(_TO_THAI_DIGITS)


def thai_date(day: date, style: str = "long") -> str:
    """``long``: 15 พฤศจิกายน 2569; ``thai-digits``: ๑๕ พฤศจิกายน ๒๕๖๙; ``short``: 15 พ.ย. 2569."""
    year = day.year + BE_OFFSET
    if style == "short":
        return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {year}"
    text = f"{day.day} {THAI_MONTHS[day.month - 1]} {year}"
    return thai_digits(text) if style == "thai-digits" else text


def english_date(day: date) -> str:
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def fiscal_year_be(day: date) -> int:
    """Thai fiscal year (BE) containing ``day``: FY N runs 1 Oct (N-1) to 30 Sep N, named by the BE year N."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


FIRST_NAMES = (
    "สมชาย",
    "สมศักดิ์",
    "วิชัย",
    "ประเสริฐ",
    "สุชาติ",
    "อนุชา",
    "ธนพล",
    "กิตติพงษ์",
    "สุภาพร",
    "วรรณา",
    "จันทร์เพ็ญ",
    "ปิยะนุช",
    "ศิริพร",
    "นงลักษณ์",
    "อรทัย",
    "พรทิพย์",
)
SURNAMES = (
    "ใจดี",
    "รักษ์ไทย",
    "ศรีสุข",
    "วงศ์สวัสดิ์",
    "บุญมา",
    "ทองคำ",
    "แก้วมณี",
    "สุวรรณรัตน์",
    "พงษ์พานิช",
    "จันทร์หอม",
    "ประเสริฐสุข",
    "มั่นคง",
)
TITLES = ("นาย", "นาง", "นางสาว")

NEWS_TOPICS = (
    "การให้บริการประชาชนผ่านระบบออนไลน์",
    "การปรับปรุงขั้นตอนการยื่นคำขอ",
    "มาตรการประหยัดพลังงานในหน่วยงานภาครัฐ",
    "การป้องกันการทุจริตและประพฤติมิชอบ",
    "การคุ้มครองข้อมูลส่วนบุคคล",
    "แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2570",
    "การพัฒนาระบบบริการอิเล็กทรอนิกส์",
    "การจัดซื้อจัดจ้างภาครัฐด้วยระบบ e-GP",
    "การรับฟังความคิดเห็นต่อร่างกฎกระทรวง",
    "การเตรียมความพร้อมรับมือสาธารณภัย",
    "โครงการจิตอาสาพัฒนาชุมชน",
    "การลดขั้นตอนและระยะเวลาการให้บริการ",
)
NEWS_TEMPLATES = (
    "{agency}จัดประชุมชี้แจงแนวทาง{topic}",
    "ผู้บริหาร{agency}ลงพื้นที่ติดตาม{topic}",
    "ประกาศ{agency} เรื่อง {topic}",
    "{agency}เปิดรับฟังความคิดเห็นเรื่อง{topic}",
    "{agency}ร่วมกับหน่วยงานภาคีขับเคลื่อน{topic}",
)
NEWS_TOPICS_EN = (
    "online public services",
    "simpler application procedures",
    "energy saving in government offices",
    "preventing corruption and misconduct",
    "personal data protection",
    "the fiscal year 2027 action plan",
    "developing electronic services",
    "e-GP public procurement",
    "a public hearing on a draft ministerial regulation",
    "disaster preparedness",
    "community volunteering",
    "shorter service times",
)

# ITA/OIT items (the open-information part of the NACC Integrity and Transparency Assessment), numbered as in
# the FY2566-67 list; each maps to the page or document key the generator links it to.
OIT_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("O1", "โครงสร้าง", "structure"),
    ("O2", "ข้อมูลผู้บริหาร", "executives"),
    ("O3", "อำนาจหน้าที่", "authority"),
    ("O4", "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน", "doc:strategic-plan"),
    ("O5", "ข้อมูลการติดต่อ", "contact"),
    ("O6", "กฎหมายที่เกี่ยวข้อง", "laws"),
    ("O7", "ข่าวประชาสัมพันธ์", "news"),
    ("O8", "Q&A", "faq"),
    ("O9", "Social Network", "ext:facebook"),
    ("O10", "นโยบายคุ้มครองข้อมูลส่วนบุคคล", "privacy"),
    ("O11", "แผนดำเนินงานและการใช้งบประมาณประจำปี", "doc:budget-plan"),
    ("O12", "รายงานการกำกับติดตามการดำเนินงานและการใช้งบประมาณ รอบ 6 เดือน", "doc:six-month-report"),
    ("O13", "รายงานผลการดำเนินงานประจำปี", "doc:annual-report"),
    ("O14", "คู่มือหรือมาตรฐานการปฏิบัติงาน", "doc:operating-manual"),
    ("O15", "คู่มือหรือมาตรฐานการให้บริการ", "services"),
    ("O16", "ข้อมูลเชิงสถิติการให้บริการ", "statistics"),
    ("O17", "รายงานผลการสำรวจความพึงพอใจการให้บริการ", "statistics"),
    ("O18", "E-Service", "eservice"),
    ("O19", "แผนการจัดซื้อจัดจ้างหรือแผนการจัดหาพัสดุ", "doc:procurement-plan"),
    ("O20", "ประกาศต่าง ๆ เกี่ยวกับการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ", "procurement"),
    ("O21", "สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน", "doc:procurement-monthly"),
    ("O22", "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี", "doc:procurement-annual"),
    ("O23", "นโยบายการบริหารทรัพยากรบุคคล", "doc:hr-policy"),
    ("O24", "การดำเนินการตามนโยบายการบริหารทรัพยากรบุคคล", "hr"),
    ("O25", "หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล", "hr"),
    ("O26", "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี", "doc:hr-report"),
    ("O27", "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "anti-corruption"),
    ("O28", "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "anti-corruption"),
    ("O29", "ข้อมูลเชิงสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบประจำปี", "anti-corruption"),
    ("O30", "ช่องทางการรับฟังความคิดเห็น", "complaint"),
    ("O31", "การเปิดโอกาสให้เกิดการมีส่วนร่วม", "news"),
    ("O32", "เจตจำนงสุจริตของผู้บริหาร", "doc:integrity-statement"),
    ("O33", "การมีส่วนร่วมของผู้บริหาร", "integrity"),
    ("O34", "การประเมินความเสี่ยงการทุจริตประจำปี", "doc:risk-assessment"),
    ("O35", "การดำเนินการเพื่อจัดการความเสี่ยงการทุจริต", "integrity"),
    ("O36", "การเสริมสร้างวัฒนธรรมองค์กร", "integrity"),
)

FAQ_PAIRS = (
    ("ติดต่อหน่วยงานได้ในเวลาใด", "วันจันทร์ถึงวันศุกร์ เวลา 08.30 - 16.30 น. เว้นวันหยุดราชการ"),
    ("ยื่นคำขอออนไลน์ได้หรือไม่", "ได้ ผ่านเมนูบริการอิเล็กทรอนิกส์ (e-Service) ตลอด 24 ชั่วโมง"),
    ("ติดตามสถานะคำขอได้อย่างไร", "ใช้เลขที่รับเรื่องที่ได้รับทางอีเมลเพื่อตรวจสอบสถานะในระบบ"),
    ("ร้องเรียนการทุจริตได้ที่ใด", "ผ่านแบบฟอร์มร้องเรียนออนไลน์ หรือสายด่วน 1111"),
)

SOCIAL = (
    ("https://www.facebook.com/{slug}.official", "Facebook"),
    ("https://line.me/R/ti/p/@{slug}", "LINE Official"),
    ("https://www.youtube.com/@{slug}", "YouTube"),
)
RELATED = (
    ("https://www.thaigov.go.th/", "ทำเนียบรัฐบาล"),
    ("https://www.opdc.go.th/", "สำนักงาน ก.พ.ร."),
    ("https://www.nacc.go.th/", "สำนักงาน ป.ป.ช."),
)
EGP_URL = "http://www.gprocurement.go.th/"
KRISDIKA_URL = "https://www.krisdika.go.th/"
DATA_GO_TH = "https://data.go.th/"
