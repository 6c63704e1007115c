"""Static data for the demo municipality: departments, services, people and arrival profiles.

Everything a citizen or a user reads is Swedish, as in a real installation. Weights are relative
(they are normalised where they are used), so a table can be tuned one line at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Seasons: month -> demand factor for services whose demand follows the year -----------------

WINTER = {1: 2.6, 2: 2.2, 3: 1.2, 4: 0.3, 5: 0.05, 6: 0.05, 7: 0.05, 8: 0.05, 9: 0.1, 10: 0.5,
          11: 1.6, 12: 2.2}  # fmt: skip
BUILDING_SEASON = {1: 0.6, 2: 0.7, 3: 1.0, 4: 1.3, 5: 1.5, 6: 1.5, 7: 1.1, 8: 1.3, 9: 1.1, 10: 0.9,
                   11: 0.7, 12: 0.5}  # fmt: skip
SCHOOL_START = {1: 1.2, 2: 0.9, 3: 1.0, 4: 1.0, 5: 1.0, 6: 0.8, 7: 0.5, 8: 2.6, 9: 1.3, 10: 0.9,
                11: 0.9, 12: 0.8}  # fmt: skip
SUMMER = {1: 0.4, 2: 0.5, 3: 0.6, 4: 0.8, 5: 1.3, 6: 2.0, 7: 2.4, 8: 1.6, 9: 0.8, 10: 0.5, 11: 0.4,
          12: 0.4}  # fmt: skip
HEATING_SEASON = {1: 1.3, 2: 1.2, 3: 1.0, 4: 0.8, 5: 0.6, 6: 0.5, 7: 0.5, 8: 0.7, 9: 1.1, 10: 1.5,
                  11: 1.5, 12: 1.2}  # fmt: skip
DARK_SEASON = {1: 1.6, 2: 1.3, 3: 0.9, 4: 0.6, 5: 0.3, 6: 0.2, 7: 0.2, 8: 0.5, 9: 1.0, 10: 1.8,
               11: 2.0, 12: 1.8}  # fmt: skip
BATHING_SEASON = {1: 0.05, 2: 0.05, 3: 0.05, 4: 0.2, 5: 2.0, 6: 6.0, 7: 8.0, 8: 5.0, 9: 0.5,
                  10: 0.05, 11: 0.05, 12: 0.05}  # fmt: skip


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    # One of the nine KKiK subject areas from migration 0002, or None where none fits.
    subject_area: str | None
    # Relative share of the contact centre's demand.
    weight: float
    # The deepest ROSA level the department's agreement lets the contact centre handle (1–4).
    agreed_rosa: int
    # Share of contacts the contact centre cannot finish and hands to the department.
    escalation: float
    # What citizens ask, in their own words; a case's summary is drawn from these.
    questions: tuple[str, ...]
    # The code of the department's unit that receives the escalations (Service.escalation_unit).
    unit: str
    season: dict[int, float] = field(default_factory=dict)
    # The callback promised on escalation, in working days (Service.callback_working_days).
    callback_working_days: int = 2
    # Decisions the unit records on an escalation, where the service ends in one; empty = none.
    decisions: tuple[str, ...] = ()
    # Working days from the callback to the decision (fewest, most).
    decision_days: tuple[int, int] = (5, 20)


@dataclass(frozen=True)
class PersonSpec:
    username: str
    first_name: str
    last_name: str


# Reserved for documentation (RFC 2606, ".example"), like the citizens' addresses: the demo's
# reminder digests can never reach a real mailbox, whatever mail server the demo is given.
UNIT_MAIL_DOMAIN = "exempelkommun.example"


@dataclass(frozen=True)
class UnitSpec:
    """A unit (enhet) that receives escalations; its services name it by `code`."""

    code: str
    name: str
    # The functional mailbox the daily reminder goes to, at UNIT_MAIL_DOMAIN.
    mailbox: str

    @property
    def email(self) -> str:
        return f"{self.mailbox}@{UNIT_MAIL_DOMAIN}"


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    # One named case officer per department, who answers its escalations in the demo and is a
    # member of all its units.
    staff: PersonSpec
    units: tuple[UnitSpec, ...]
    services: tuple[ServiceSpec, ...]


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        code="samhallsbyggnad",
        name="Samhällsbyggnadsförvaltningen",
        staff=PersonSpec("helena.aberg", "Helena", "Åberg"),
        units=(
            UnitSpec("bygglov", "Bygglovsenheten", "bygglov"),
            UnitSpec("plan-och-kart", "Plan- och kartenheten", "plan-och-karta"),
            UnitSpec("bostadsanpassning", "Bostadsanpassningsenheten", "bostadsanpassning"),
        ),
        services=(
            ServiceSpec(
                "bygglov-braskamin",
                "Bygglov för braskamin",
                "bygglov",
                weight=2.0,
                agreed_rosa=3,
                escalation=0.10,
                unit="bygglov",
                callback_working_days=2,
                decisions=("Startbesked för installation av eldstad och rökkanal.",),
                decision_days=(3, 10),
                questions=(
                    "Får jag sätta in en braskamin utan bygglov?",
                    "Behöver jag göra en anmälan för att installera en braskamin?",
                    "Vilka handlingar ska bifogas anmälan om eldstad?",
                    "Hur lång tid tar det att få startbesked för braskaminen?",
                    "Måste skorstensfejaren besiktiga kaminen innan vi eldar?",
                ),
                season=HEATING_SEASON,
            ),
            ServiceSpec(
                "bygglov-nybyggnad-tillbyggnad",
                "Bygglov för nybyggnad och tillbyggnad",
                "bygglov",
                weight=4.0,
                agreed_rosa=2,
                escalation=0.28,
                unit="bygglov",
                callback_working_days=3,
                decisions=(
                    "Bygglov beviljat.",
                    "Bygglov och startbesked beviljade.",
                    "Ansökan om bygglov avslogs (strider mot detaljplanen).",
                ),
                decision_days=(10, 40),
                questions=(
                    "Behöver jag bygglov för att bygga ut huset?",
                    "Hur långt har min bygglovsansökan kommit?",
                    "Vad kostar ett bygglov för en tillbyggnad?",
                    "Kan jag få bygglov utanför detaljplanerat område?",
                    "Varför har jag fått ett föreläggande om komplettering av bygglovet?",
                    "Vi har fått startbesked – när ska vi boka slutsamråd?",
                ),
                season=BUILDING_SEASON,
            ),
            ServiceSpec(
                "attefallshus-friggebod",
                "Attefallshus och friggebod",
                "bygglov",
                weight=2.5,
                agreed_rosa=3,
                escalation=0.12,
                unit="bygglov",
                callback_working_days=2,
                decisions=(
                    "Startbesked för attefallshus.",
                    "Startbesked för attefallstillbyggnad.",
                ),
                decision_days=(5, 20),
                questions=(
                    "Får jag bygga ett attefallshus på 30 kvadratmeter utan bygglov?",
                    "Hur nära tomtgränsen får en friggebod stå?",
                    "Behöver grannen godkänna mitt attefallshus?",
                    "Vilka ritningar krävs för en anmälan om attefallshus?",
                    "Får jag inreda attefallshuset som en egen bostad?",
                ),
                season=BUILDING_SEASON,
            ),
            ServiceSpec(
                "olovligt-byggande",
                "Anmälan om olovligt byggande",
                "bygglov",
                weight=0.8,
                agreed_rosa=1,
                escalation=0.55,
                unit="bygglov",
                callback_working_days=5,
                questions=(
                    "Grannen bygger ett plank utan lov – vart anmäler jag det?",
                    "Vad händer med min anmälan om olovligt byggande?",
                    "Kan jag vara anonym när jag anmäler ett svartbygge?",
                ),
                season=BUILDING_SEASON,
            ),
            ServiceSpec(
                "nybyggnadskarta",
                "Nybyggnadskarta och kartbeställning",
                None,
                weight=1.0,
                agreed_rosa=3,
                escalation=0.08,
                unit="plan-och-kart",
                callback_working_days=2,
                questions=(
                    "Hur beställer jag en nybyggnadskarta?",
                    "Vad kostar en nybyggnadskarta?",
                    "Var går gränsen för min fastighet?",
                    "Hur lång tid tar det att få utstakning av huset?",
                ),
                season=BUILDING_SEASON,
            ),
            ServiceSpec(
                "detaljplaner-planbesked",
                "Detaljplaner och planbesked",
                None,
                weight=1.0,
                agreed_rosa=2,
                escalation=0.22,
                unit="plan-och-kart",
                callback_working_days=3,
                questions=(
                    "Vad får byggas på tomten enligt detaljplanen?",
                    "Hur lämnar jag synpunkter på planförslaget för det nya bostadsområdet?",
                    "När vinner den nya detaljplanen laga kraft?",
                    "Hur ansöker jag om planbesked?",
                ),
            ),
            ServiceSpec(
                "bostadsanpassning",
                "Bostadsanpassningsbidrag",
                "funktionsnedsattning",
                weight=1.5,
                agreed_rosa=3,
                escalation=0.30,
                unit="bostadsanpassning",
                callback_working_days=3,
                decisions=(
                    "Bostadsanpassningsbidrag beviljat.",
                    "Bostadsanpassningsbidrag beviljat delvis.",
                    "Ansökan om bostadsanpassningsbidrag avslogs.",
                ),
                decision_days=(10, 35),
                questions=(
                    "Kan jag få bidrag för att byta badkaret mot en dusch?",
                    "Hur lång är handläggningstiden för bostadsanpassning?",
                    "Behöver jag intyg från arbetsterapeut för bostadsanpassningen?",
                    "Vem betalar om trapphissen går sönder?",
                ),
            ),
        ),
    ),
    DepartmentSpec(
        code="barn-och-utbildning",
        name="Barn- och utbildningsförvaltningen",
        staff=PersonSpec("jonas.wikstrom", "Jonas", "Wikström"),
        units=(
            UnitSpec("forskoleantagningen", "Förskoleantagningen", "forskoleantagningen"),
            UnitSpec("grundskoleavdelningen", "Grundskoleavdelningen", "grundskola"),
            UnitSpec(
                "gymnasie-och-vuxenutbildning", "Gymnasie- och vuxenutbildningen", "gymnasie-vux"
            ),
        ),
        services=(
            ServiceSpec(
                "forskoleplats",
                "Ansökan om förskoleplats",
                "forskola",
                weight=6.0,
                agreed_rosa=4,
                escalation=0.10,
                unit="forskoleantagningen",
                callback_working_days=2,
                questions=(
                    "När kommer beslutet om förskoleplats?",
                    "Hur långt fram i kön står vi för förskoleplats?",
                    "Kan vi tacka nej till den erbjudna förskolan och stå kvar i kön?",
                    "Hur ansöker jag om förskoleplats i e-tjänsten?",
                    "Vi flyttar till kommunen i augusti – när ska vi söka förskola?",
                    "Hur säger jag upp platsen på förskolan?",
                ),
                season={1: 1.1, 2: 1.2, 3: 1.3, 4: 1.2, 5: 1.1, 6: 1.0, 7: 0.6, 8: 1.3},
            ),
            ServiceSpec(
                "barnomsorgsavgift",
                "Avgift för förskola och fritidshem (maxtaxa)",
                "forskola",
                weight=4.0,
                agreed_rosa=4,
                escalation=0.08,
                unit="forskoleantagningen",
                callback_working_days=2,
                questions=(
                    "Hur räknas avgiften för förskolan ut?",
                    "Var lämnar jag inkomstuppgift för maxtaxan?",
                    "Varför har jag fått en faktura för en månad när barnet var ledigt?",
                    "Får vi tillbaka avgiften när förskolan är stängd?",
                    "Vi har fått syskonrabatt fel på fakturan",
                ),
            ),
            ServiceSpec(
                "fritidshem",
                "Plats på fritidshem",
                "grundskola",
                weight=1.5,
                agreed_rosa=4,
                escalation=0.06,
                unit="forskoleantagningen",
                callback_working_days=2,
                questions=(
                    "Hur säger jag upp platsen på fritids?",
                    "Har mitt barn rätt till fritidshem på loven?",
                    "Hur ansöker jag om fritidshem inför skolstarten?",
                ),
                season=SCHOOL_START,
            ),
            ServiceSpec(
                "skolval-skolplacering",
                "Skolval och skolplacering",
                "grundskola",
                weight=2.5,
                agreed_rosa=2,
                escalation=0.18,
                unit="grundskoleavdelningen",
                callback_working_days=2,
                questions=(
                    "När får vi besked om skolplacering inför förskoleklass?",
                    "Hur byter mitt barn skola mitt i terminen?",
                    "Vilken skola tillhör vi enligt närhetsprincipen?",
                    "När öppnar skolvalet?",
                    "Vi fick inte vår förstahandsskola – hur överklagar vi?",
                ),
                season={1: 2.0, 2: 1.8, 3: 1.6, 4: 1.4, 7: 0.5, 8: 1.6},
            ),
            ServiceSpec(
                "skolskjuts",
                "Skolskjuts",
                "grundskola",
                weight=2.5,
                agreed_rosa=3,
                escalation=0.16,
                unit="grundskoleavdelningen",
                callback_working_days=2,
                decisions=(
                    "Skolskjuts beviljad.",
                    "Ansökan om skolskjuts avslogs.",
                ),
                decision_days=(3, 15),
                questions=(
                    "Har mitt barn rätt till skolskjuts?",
                    "Skolbussen kom inte i morse – vem ska jag kontakta?",
                    "Hur ansöker jag om skolskjuts vid växelvis boende?",
                    "Varför fick vi avslag på ansökan om skolskjuts?",
                    "Var hittar jag busskortet för skolskjuts?",
                ),
                season=SCHOOL_START,
            ),
            ServiceSpec(
                "skolmaltider-specialkost",
                "Skolmåltider och specialkost",
                "grundskola",
                weight=1.0,
                agreed_rosa=3,
                escalation=0.05,
                unit="grundskoleavdelningen",
                callback_working_days=2,
                questions=(
                    "Hur anmäler jag specialkost för mitt barn?",
                    "Var hittar jag veckans skolmatsmeny?",
                    "Behövs läkarintyg för glutenfri kost i skolan?",
                ),
            ),
            ServiceSpec(
                "ledighet-franvaro",
                "Ledighetsansökan och frånvaro",
                "grundskola",
                weight=1.0,
                agreed_rosa=1,
                escalation=0.10,
                unit="grundskoleavdelningen",
                callback_working_days=1,
                questions=(
                    "Hur ansöker jag om ledighet för mitt barn under terminen?",
                    "Vem beslutar om ledighet från skolan?",
                    "Hur sjukanmäler jag mitt barn i skolan?",
                ),
            ),
            ServiceSpec(
                "vuxenutbildning-sfi",
                "Vuxenutbildning och SFI",
                None,
                weight=1.5,
                agreed_rosa=3,
                escalation=0.10,
                unit="gymnasie-och-vuxenutbildning",
                callback_working_days=2,
                questions=(
                    "Hur anmäler jag mig till SFI?",
                    "När börjar nästa kurs på Komvux?",
                    "Kan jag läsa in gymnasiebehörighet på distans?",
                    "Hur får jag ut mina betyg från Komvux?",
                ),
            ),
            ServiceSpec(
                "gymnasieval",
                "Gymnasieval och antagning",
                None,
                weight=0.8,
                agreed_rosa=2,
                escalation=0.12,
                unit="gymnasie-och-vuxenutbildning",
                callback_working_days=2,
                questions=(
                    "När kommer antagningsbeskedet till gymnasiet?",
                    "Hur ändrar mitt barn sina val till gymnasiet?",
                    "Har mitt barn rätt till inackorderingstillägg?",
                ),
                season={1: 1.6, 2: 1.8, 3: 1.2, 6: 1.5, 7: 1.5, 8: 1.2},
            ),
        ),
    ),
    DepartmentSpec(
        code="social",
        name="Socialförvaltningen",
        staff=PersonSpec("mariam.haddad", "Mariam", "Haddad"),
        units=(
            UnitSpec("forsorjningsstod", "Försörjningsstöd", "forsorjningsstod"),
            UnitSpec("barn-och-familj", "Barn- och familjeenheten", "barn-och-familj"),
            UnitSpec("vuxenenheten", "Vuxenenheten", "vuxenenheten"),
        ),
        services=(
            ServiceSpec(
                "ekonomiskt-bistand",
                "Ekonomiskt bistånd",
                "individ-och-familjeomsorg",
                weight=5.0,
                agreed_rosa=2,
                escalation=0.40,
                unit="forsorjningsstod",
                callback_working_days=1,
                decisions=(
                    "Försörjningsstöd beviljat för innevarande månad.",
                    "Försörjningsstöd beviljat delvis.",
                    "Ansökan om försörjningsstöd avslogs.",
                ),
                decision_days=(3, 12),
                questions=(
                    "Hur ansöker jag om ekonomiskt bistånd?",
                    "När betalas försörjningsstödet ut den här månaden?",
                    "Jag har inte fått beslut om min ansökan om ekonomiskt bistånd",
                    "Kan jag få bistånd till tandvård?",
                    "Vilka papper behöver jag ta med till nybesöket?",
                    "Hur lämnar jag in månadens ansökan digitalt?",
                ),
            ),
            ServiceSpec(
                "budget-skuldradgivning",
                "Budget- och skuldrådgivning",
                "individ-och-familjeomsorg",
                weight=1.0,
                agreed_rosa=3,
                escalation=0.20,
                unit="forsorjningsstod",
                callback_working_days=3,
                questions=(
                    "Kan jag få hjälp att göra en budget?",
                    "Hur bokar jag tid hos budget- och skuldrådgivaren?",
                    "Hur ansöker jag om skuldsanering?",
                ),
            ),
            ServiceSpec(
                "familjeradgivning",
                "Familjerådgivning",
                "individ-och-familjeomsorg",
                weight=0.8,
                agreed_rosa=3,
                escalation=0.15,
                unit="barn-och-familj",
                callback_working_days=2,
                questions=(
                    "Vad kostar familjerådgivning?",
                    "Hur lång är väntetiden till familjerådgivningen?",
                    "Kan vi få samtal på kvällstid?",
                ),
            ),
            ServiceSpec(
                "orosanmalan-barn",
                "Orosanmälan om barn",
                "individ-och-familjeomsorg",
                weight=0.8,
                agreed_rosa=1,
                escalation=0.85,
                unit="barn-och-familj",
                callback_working_days=1,
                questions=(
                    "Hur gör jag en orosanmälan om ett barn?",
                    "Kan jag vara anonym när jag gör en orosanmälan?",
                    "Jag är orolig för barnen hos grannen – vem pratar jag med?",
                ),
            ),
            ServiceSpec(
                "familjeratt",
                "Faderskap, vårdnad, boende och umgänge",
                "individ-och-familjeomsorg",
                weight=1.0,
                agreed_rosa=2,
                escalation=0.30,
                unit="barn-och-familj",
                callback_working_days=3,
                questions=(
                    "Hur bekräftar vi faderskapet?",
                    "Vi vill skriva avtal om umgänge – hur bokar vi samarbetssamtal?",
                    "Hur ändrar vi till gemensam vårdnad?",
                ),
            ),
            ServiceSpec(
                "stod-missbruk-beroende",
                "Stöd vid missbruk och beroende",
                "individ-och-familjeomsorg",
                weight=0.7,
                agreed_rosa=2,
                escalation=0.35,
                unit="vuxenenheten",
                callback_working_days=1,
                questions=(
                    "Vart kan jag vända mig som anhörig till någon med alkoholproblem?",
                    "Finns det en öppen mottagning för unga med drogproblem?",
                    "Hur får jag kontakt med beroendeenheten?",
                ),
            ),
            ServiceSpec(
                "serveringstillstand",
                "Serveringstillstånd",
                None,
                weight=0.6,
                agreed_rosa=3,
                escalation=0.18,
                unit="vuxenenheten",
                callback_working_days=3,
                decisions=(
                    "Stadigvarande serveringstillstånd beviljat.",
                    "Tillfälligt serveringstillstånd beviljat.",
                ),
                decision_days=(10, 40),
                questions=(
                    "Hur söker jag tillfälligt serveringstillstånd för en festival?",
                    "När är nästa kunskapsprov för serveringstillstånd?",
                    "Behöver vi tillstånd för att servera vin på ett slutet sällskap?",
                ),
                season=SUMMER,
            ),
            ServiceSpec(
                "dodsboanmalan",
                "Dödsboanmälan",
                None,
                weight=0.5,
                agreed_rosa=2,
                escalation=0.20,
                unit="forsorjningsstod",
                callback_working_days=2,
                questions=(
                    "Vad är en dödsboanmälan och när behövs den?",
                    "Vem tar hand om dödsboet när det inte finns några pengar?",
                ),
            ),
        ),
    ),
    DepartmentSpec(
        code="vard-och-omsorg",
        name="Vård- och omsorgsförvaltningen",
        staff=PersonSpec("goran.nilsson", "Göran", "Nilsson"),
        units=(
            UnitSpec("bistandsenheten", "Biståndsenheten", "bistand"),
            UnitSpec("lss-och-fardtjanst", "LSS- och färdtjänstenheten", "lss-fardtjanst"),
            UnitSpec("avgifter-omsorg", "Avgiftsenheten vård och omsorg", "avgifter-omsorg"),
        ),
        services=(
            ServiceSpec(
                "hemtjanst-ansokan",
                "Hemtjänst – ansökan",
                "aldreomsorg",
                weight=3.5,
                agreed_rosa=2,
                escalation=0.30,
                unit="bistandsenheten",
                callback_working_days=2,
                decisions=(
                    "Hemtjänst beviljad enligt 4 kap. 1 § SoL.",
                    "Ansökan om hemtjänst avslogs.",
                ),
                decision_days=(5, 15),
                questions=(
                    "Hur ansöker min mamma om hemtjänst?",
                    "Hur lång tid tar det innan hemtjänsten kan börja?",
                    "Vi vill byta hemtjänstutförare – hur gör vi?",
                    "Hemtjänsten kom inte i morse – vem ringer jag?",
                    "Kan pappa få hjälp med matlådor hem?",
                ),
            ),
            ServiceSpec(
                "sarskilt-boende",
                "Särskilt boende för äldre",
                "aldreomsorg",
                weight=1.5,
                agreed_rosa=2,
                escalation=0.35,
                unit="bistandsenheten",
                callback_working_days=2,
                decisions=(
                    "Särskilt boende beviljat.",
                    "Ansökan om särskilt boende avslogs.",
                ),
                decision_days=(10, 30),
                questions=(
                    "Hur ansöker man om plats på äldreboende?",
                    "Hur lång är kön till särskilt boende?",
                    "Kan makar bo tillsammans på äldreboendet?",
                    "Vilka besökstider gäller på äldreboendet?",
                ),
            ),
            ServiceSpec(
                "matavgift-aldreboende",
                "Matavgift äldreboende",
                "aldreomsorg",
                weight=1.0,
                agreed_rosa=4,
                escalation=0.08,
                unit="avgifter-omsorg",
                callback_working_days=3,
                questions=(
                    "Vad kostar maten på äldreboendet per månad?",
                    "Varför har matavgiften höjts?",
                    "Får man avdrag på matavgiften vid sjukhusvistelse?",
                ),
            ),
            ServiceSpec(
                "avgifter-aldreomsorg",
                "Avgifter inom äldreomsorgen (maxtaxa)",
                "aldreomsorg",
                weight=1.5,
                agreed_rosa=4,
                escalation=0.10,
                unit="avgifter-omsorg",
                callback_working_days=3,
                questions=(
                    "Hur räknas avgiften för hemtjänsten ut?",
                    "Jag har fått en hög faktura för hemtjänsten – stämmer den?",
                    "Var skickar jag inkomstförfrågan för avgiftsberäkningen?",
                ),
            ),
            ServiceSpec(
                "trygghetslarm",
                "Trygghetslarm",
                "aldreomsorg",
                weight=1.5,
                agreed_rosa=4,
                escalation=0.10,
                unit="bistandsenheten",
                callback_working_days=1,
                decisions=("Trygghetslarm beviljat.",),
                decision_days=(1, 5),
                questions=(
                    "Hur får man trygghetslarm och vad kostar det?",
                    "Larmet piper hela tiden – vem ska jag ringa?",
                    "Kan larmet användas i sommarstugan?",
                ),
            ),
            ServiceSpec(
                "fardtjanst",
                "Färdtjänst",
                "funktionsnedsattning",
                weight=3.5,
                agreed_rosa=4,
                escalation=0.12,
                unit="lss-och-fardtjanst",
                callback_working_days=2,
                decisions=(
                    "Färdtjänsttillstånd beviljat.",
                    "Ansökan om färdtjänst avslogs.",
                ),
                decision_days=(5, 20),
                questions=(
                    "Hur ansöker jag om färdtjänst?",
                    "Får jag ta med en ledsagare i färdtjänsten?",
                    "Färdtjänstbilen kom inte – var kan jag klaga?",
                    "Gäller färdtjänsten i andra kommuner?",
                    "Hur förlänger jag mitt färdtjänsttillstånd?",
                ),
            ),
            ServiceSpec(
                "stod-enligt-lss",
                "Stöd enligt LSS",
                "funktionsnedsattning",
                weight=1.5,
                agreed_rosa=2,
                escalation=0.40,
                unit="lss-och-fardtjanst",
                callback_working_days=2,
                decisions=(
                    "Insats enligt 9 § LSS beviljad.",
                    "Ansökan om insats enligt LSS avslogs.",
                ),
                decision_days=(15, 40),
                questions=(
                    "Hur ansöker jag om personlig assistans enligt LSS?",
                    "Vad är skillnaden mellan stöd enligt LSS och SoL?",
                    "Hur ansöker vi om korttidsvistelse för vår son?",
                    "Kan min dotter få ledsagarservice till fritidsaktiviteter?",
                ),
            ),
            ServiceSpec(
                "anhorigstod",
                "Anhörigstöd och avlösning",
                "aldreomsorg",
                weight=0.7,
                agreed_rosa=3,
                escalation=0.15,
                unit="bistandsenheten",
                callback_working_days=2,
                questions=(
                    "Finns det avlösning för mig som vårdar min make?",
                    "När träffas anhöriggruppen?",
                    "Kan jag få stöd som anhörig till någon med demens?",
                ),
            ),
        ),
    ),
    DepartmentSpec(
        code="kultur-och-fritid",
        name="Kultur- och fritidsförvaltningen",
        staff=PersonSpec("linnea.sandberg", "Linnéa", "Sandberg"),
        units=(
            UnitSpec("foreningsservice", "Föreningsservice och bokning", "foreningsservice"),
            UnitSpec("kulturenheten", "Kulturenheten", "kultur"),
            UnitSpec("fritidsenheten", "Fritidsenheten", "fritid"),
        ),
        services=(
            ServiceSpec(
                "bokning-idrottshall",
                "Bokning av idrottshall",
                "kultur-och-fritid",
                weight=2.0,
                agreed_rosa=4,
                escalation=0.05,
                unit="foreningsservice",
                callback_working_days=2,
                questions=(
                    "Hur bokar vår förening idrottshallen?",
                    "Finns det lediga tider i sporthallen på söndagar?",
                    "Hur avbokar jag en tid i idrottshallen?",
                    "Vi kom inte in i hallen – larmkoden fungerade inte",
                ),
                season={6: 0.5, 7: 0.3, 8: 1.8, 9: 1.6},
            ),
            ServiceSpec(
                "foreningsbidrag",
                "Föreningsbidrag",
                "kultur-och-fritid",
                weight=0.8,
                agreed_rosa=3,
                escalation=0.15,
                unit="foreningsservice",
                callback_working_days=3,
                questions=(
                    "När ska ansökan om aktivitetsstöd vara inne?",
                    "Hur registrerar vi föreningen i föreningsregistret?",
                    "Kan vi söka bidrag för en cup i sommar?",
                ),
            ),
            ServiceSpec(
                "bibliotek-lanekort",
                "Bibliotek och lånekort",
                "kultur-och-fritid",
                weight=2.5,
                agreed_rosa=4,
                escalation=0.03,
                unit="kulturenheten",
                callback_working_days=2,
                questions=(
                    "Hur skaffar jag lånekort på biblioteket?",
                    "Jag har fått en påminnelse om en bok som jag redan har lämnat tillbaka",
                    "Vilka öppettider har biblioteket i sommar?",
                    "Hur lånar jag e-böcker?",
                ),
            ),
            ServiceSpec(
                "kulturskolan",
                "Kulturskolan",
                "kultur-och-fritid",
                weight=1.2,
                agreed_rosa=4,
                escalation=0.06,
                unit="kulturenheten",
                callback_working_days=2,
                questions=(
                    "Hur anmäler jag mitt barn till kulturskolan?",
                    "Vad kostar en termin i kulturskolan?",
                    "Hur lång är kön till pianolektionerna?",
                ),
                season=SCHOOL_START,
            ),
            ServiceSpec(
                "simhall-badplatser",
                "Simhall och badplatser",
                "kultur-och-fritid",
                weight=1.5,
                agreed_rosa=4,
                escalation=0.03,
                unit="fritidsenheten",
                callback_working_days=2,
                questions=(
                    "Vilka öppettider har simhallen i helgen?",
                    "Vad kostar ett årskort på badhuset?",
                    "Finns det platser kvar i simskolan i sommar?",
                    "När tas bryggorna ut vid badplatserna?",
                ),
                season=SUMMER,
            ),
            ServiceSpec(
                "fritidsgardar-lovaktiviteter",
                "Fritidsgårdar och lovaktiviteter",
                "kultur-och-fritid",
                weight=1.0,
                agreed_rosa=4,
                escalation=0.04,
                unit="fritidsenheten",
                callback_working_days=2,
                questions=(
                    "Vilka aktiviteter finns på sportlovet?",
                    "Vilka tider har fritidsgården öppet?",
                    "Hur anmäler jag barnen till sommarlovsaktiviteterna?",
                ),
                season={2: 1.6, 6: 1.8, 7: 1.2, 10: 1.4},
            ),
            ServiceSpec(
                "lokaler-evenemang",
                "Evenemang och uthyrning av lokaler",
                "kultur-och-fritid",
                weight=0.8,
                agreed_rosa=4,
                escalation=0.10,
                unit="foreningsservice",
                callback_working_days=2,
                questions=(
                    "Hur hyr jag en festlokal av kommunen?",
                    "Kan vi låna scenen i parken för en konsert?",
                    "Hur anmäler jag ett evenemang till kommunens kalender?",
                ),
            ),
        ),
    ),
    DepartmentSpec(
        code="teknik",
        name="Tekniska förvaltningen",
        staff=PersonSpec("stefan.lundgren", "Stefan", "Lundgren"),
        units=(
            UnitSpec("avfallsenheten", "Avfallsenheten", "avfall"),
            UnitSpec("gatu-och-parkenheten", "Gatu- och parkenheten", "gata-park"),
            UnitSpec("va-enheten", "VA-enheten", "va"),
        ),
        services=(
            ServiceSpec(
                "sophamtning-avfallsabonnemang",
                "Sophämtning och avfallsabonnemang",
                None,
                weight=9.0,
                agreed_rosa=4,
                escalation=0.05,
                unit="avfallsenheten",
                callback_working_days=2,
                questions=(
                    "Soporna har inte hämtats den här veckan – vad gör jag?",
                    "Hur byter jag till ett mindre sopkärl?",
                    "Vilken dag töms mitt kärl?",
                    "Kan vi dela sopkärl med grannen?",
                    "Varför har avfallsavgiften höjts?",
                    "Sopkärlet är trasigt – hur får vi ett nytt?",
                ),
            ),
            ServiceSpec(
                "atervinningscentral-grovavfall",
                "Återvinningscentral och grovavfall",
                None,
                weight=3.0,
                agreed_rosa=4,
                escalation=0.03,
                unit="avfallsenheten",
                callback_working_days=2,
                questions=(
                    "Vilka öppettider har återvinningscentralen?",
                    "Får jag lämna byggavfall på återvinningscentralen?",
                    "Hur beställer jag hämtning av grovavfall?",
                    "Får jag köra in med släpkärra på återvinningscentralen?",
                ),
                season=BUILDING_SEASON,
            ),
            ServiceSpec(
                "felanmalan-gatubelysning",
                "Felanmälan gatubelysning",
                "gator-och-vagar",
                weight=2.5,
                agreed_rosa=4,
                escalation=0.06,
                unit="gatu-och-parkenheten",
                callback_working_days=3,
                questions=(
                    "Gatlampan utanför vårt hus är trasig",
                    "Flera lampor är släckta längs gång- och cykelvägen",
                    "När lagas gatubelysningen som jag anmälde förra veckan?",
                ),
                season=DARK_SEASON,
            ),
            ServiceSpec(
                "snorojning-halkbekampning",
                "Snöröjning och halkbekämpning",
                "gator-och-vagar",
                weight=3.0,
                agreed_rosa=4,
                escalation=0.08,
                unit="gatu-och-parkenheten",
                callback_working_days=1,
                questions=(
                    "När plogas vår gata?",
                    "Plogbilen har lagt en snövall framför vår infart",
                    "Det är väldigt halt på gångvägen till skolan – kan ni sanda?",
                    "Vem ansvarar för snöröjningen på vår enskilda väg?",
                ),
                season=WINTER,
            ),
            ServiceSpec(
                "gator-trafik-vagarbeten",
                "Gator, trafik och vägarbeten",
                "gator-och-vagar",
                weight=2.5,
                agreed_rosa=3,
                escalation=0.15,
                unit="gatu-och-parkenheten",
                callback_working_days=3,
                questions=(
                    "Det är ett stort hål i vägen vid busshållplatsen",
                    "Hur länge pågår vägarbetet på vår gata?",
                    "Kan vi få farthinder på vår gata?",
                    "Hur ansöker jag om att få ställa en container på gatan?",
                ),
                season=BUILDING_SEASON,
            ),
            ServiceSpec(
                "parkeringstillstand-rorelsehindrade",
                "Parkeringstillstånd för rörelsehindrade",
                "gator-och-vagar",
                weight=1.5,
                agreed_rosa=3,
                escalation=0.20,
                unit="gatu-och-parkenheten",
                callback_working_days=2,
                decisions=(
                    "Parkeringstillstånd för rörelsehindrad beviljat.",
                    "Ansökan om parkeringstillstånd avslogs.",
                ),
                decision_days=(5, 20),
                questions=(
                    "Hur ansöker jag om parkeringstillstånd för rörelsehindrade?",
                    "Mitt parkeringstillstånd går ut – hur förnyar jag det?",
                    "Gäller parkeringstillståndet i hela landet?",
                    "Kan jag få parkeringstillstånd som passagerare?",
                ),
            ),
            ServiceSpec(
                "vatten-avlopp",
                "Vatten och avlopp",
                None,
                weight=3.0,
                agreed_rosa=4,
                escalation=0.10,
                unit="va-enheten",
                callback_working_days=1,
                questions=(
                    "Vi har inget vatten – är det en läcka i området?",
                    "Varför har vattenräkningen blivit så hög?",
                    "Måste vi koka vattnet?",
                    "Hur läser jag av vattenmätaren?",
                ),
            ),
            ServiceSpec(
                "parker-lekplatser",
                "Parker, lekplatser och grönytor",
                None,
                weight=1.5,
                agreed_rosa=4,
                escalation=0.10,
                unit="gatu-och-parkenheten",
                callback_working_days=3,
                questions=(
                    "Gungan på lekplatsen är trasig",
                    "När klipps gräset i parken?",
                    "Får jag ta ner ett träd på kommunens mark bakom vår tomt?",
                ),
                season=SUMMER,
            ),
        ),
    ),
    DepartmentSpec(
        code="miljo-och-halsoskydd",
        name="Miljö- och hälsoskyddsförvaltningen",
        staff=PersonSpec("eva.forsberg", "Eva", "Forsberg"),
        units=(
            UnitSpec("livsmedelsenheten", "Livsmedelsenheten", "livsmedel"),
            UnitSpec("halsoskyddsenheten", "Hälsoskyddsenheten", "halsoskydd"),
            UnitSpec("miljoskyddsenheten", "Miljöskyddsenheten", "miljoskydd"),
        ),
        services=(
            ServiceSpec(
                "livsmedelskontroll",
                "Livsmedelskontroll och registrering",
                "miljo-och-halsa",
                weight=1.0,
                agreed_rosa=2,
                escalation=0.25,
                unit="livsmedelsenheten",
                callback_working_days=2,
                questions=(
                    "Hur registrerar jag mitt livsmedelsföretag?",
                    "Jag blev magsjuk efter ett restaurangbesök – vart anmäler jag det?",
                    "Behöver jag registrera mig för att sälja hembakat på marknaden?",
                ),
            ),
            ServiceSpec(
                "enskilt-avlopp",
                "Enskilt avlopp",
                "miljo-och-halsa",
                weight=1.2,
                agreed_rosa=2,
                escalation=0.35,
                unit="miljoskyddsenheten",
                callback_working_days=3,
                decisions=("Tillstånd för enskild avloppsanläggning beviljat.",),
                decision_days=(10, 30),
                questions=(
                    "Hur ansöker jag om tillstånd för en ny avloppsanläggning?",
                    "Vi har fått ett föreläggande om vårt avlopp – vad innebär det?",
                    "Vem får gräva vår nya infiltration?",
                ),
                season=BUILDING_SEASON,
            ),
            ServiceSpec(
                "buller-lukt-storningar",
                "Klagomål på buller, lukt och störningar",
                "miljo-och-halsa",
                weight=1.2,
                agreed_rosa=1,
                escalation=0.45,
                unit="halsoskyddsenheten",
                callback_working_days=3,
                questions=(
                    "Grannens värmepump låter mycket på nätterna",
                    "Det luktar illa från industrin i vårt område",
                    "Det finns fukt och mögel i min hyreslägenhet – vad kan ni göra?",
                ),
            ),
            ServiceSpec(
                "varmepump-bergvarme",
                "Värmepump och bergvärme",
                "miljo-och-halsa",
                weight=0.8,
                agreed_rosa=3,
                escalation=0.10,
                unit="miljoskyddsenheten",
                callback_working_days=2,
                decisions=("Tillstånd för bergvärmepump beviljat.",),
                decision_days=(5, 15),
                questions=(
                    "Behöver jag anmäla att vi borrar för bergvärme?",
                    "Vad kostar en anmälan om värmepump?",
                    "Hur nära grannens brunn får vi borra?",
                ),
                season=BUILDING_SEASON,
            ),
            ServiceSpec(
                "radon",
                "Radon",
                "miljo-och-halsa",
                weight=0.5,
                agreed_rosa=3,
                escalation=0.05,
                unit="halsoskyddsenheten",
                callback_working_days=2,
                questions=(
                    "Hur mäter jag radon i huset?",
                    "Var kan jag beställa radondosor?",
                    "Vilka radonvärden är för höga?",
                ),
                season=HEATING_SEASON,
            ),
            ServiceSpec(
                "hygienlokaler",
                "Tatuering, fotvård och andra hygienlokaler",
                "miljo-och-halsa",
                weight=0.3,
                agreed_rosa=2,
                escalation=0.15,
                unit="halsoskyddsenheten",
                callback_working_days=2,
                questions=(
                    "Måste jag anmäla min fotvårdssalong?",
                    "Vilka krav gäller för en tatueringsstudio?",
                ),
            ),
            ServiceSpec(
                "badvattenkvalitet",
                "Badvattenkvalitet",
                "miljo-och-halsa",
                weight=0.5,
                agreed_rosa=1,
                escalation=0.05,
                unit="halsoskyddsenheten",
                callback_working_days=1,
                questions=(
                    "Går det att bada i sjön efter algblomningen?",
                    "När tas nästa badvattenprov?",
                ),
                season=BATHING_SEASON,
            ),
            ServiceSpec(
                "nedskrapning-dumpning",
                "Nedskräpning och dumpning",
                "miljo-och-halsa",
                weight=0.6,
                agreed_rosa=4,
                escalation=0.15,
                unit="miljoskyddsenheten",
                callback_working_days=3,
                questions=(
                    "Någon har dumpat bildäck i skogen – vem tar hand om det?",
                    "Det ligger en övergiven bil på parkeringen sedan flera veckor",
                ),
            ),
        ),
    ),
    DepartmentSpec(
        code="kommunledning",
        name="Kommunledningsförvaltningen",
        staff=PersonSpec("camilla.ostlund", "Camilla", "Östlund"),
        units=(
            UnitSpec("kansliet", "Kansliet", "kansliet"),
            UnitSpec("ekonomi-och-personal", "Ekonomi- och personalenheten", "ekonomi-personal"),
            UnitSpec("mark-och-exploatering", "Mark- och exploateringsenheten", "exploatering"),
        ),
        services=(
            ServiceSpec(
                "allmanna-fragor",
                "Allmänna frågor om kommunen",
                None,
                weight=5.0,
                agreed_rosa=4,
                escalation=0.02,
                unit="kansliet",
                callback_working_days=2,
                questions=(
                    "Vilka öppettider har medborgarkontoret?",
                    "Vart vänder jag mig med en fråga om min hyresvärd?",
                    "Kan ni koppla mig till en politiker?",
                    "Hur hittar jag kommunens organisationsnummer?",
                    "Var kan jag få hjälp att använda e-tjänsterna?",
                ),
            ),
            ServiceSpec(
                "fakturor-betalningar",
                "Fakturor och betalningar",
                None,
                weight=3.5,
                agreed_rosa=4,
                escalation=0.08,
                unit="ekonomi-och-personal",
                callback_working_days=2,
                questions=(
                    "Jag har fått en påminnelse på en faktura som jag redan har betalat",
                    "Kan jag få en avbetalningsplan på min faktura?",
                    "Vilket bankgiro ska jag betala till?",
                    "Hur anmäler jag e-faktura från kommunen?",
                ),
            ),
            ServiceSpec(
                "allman-handling",
                "Begäran om allmän handling",
                None,
                weight=1.2,
                agreed_rosa=3,
                escalation=0.35,
                unit="kansliet",
                callback_working_days=1,
                decisions=(
                    "Handlingen lämnas ut.",
                    "Handlingen lämnas ut med uppgifter maskerade (sekretess).",
                    "Begäran om allmän handling avslogs (sekretess).",
                ),
                decision_days=(0, 2),
                questions=(
                    "Hur begär jag ut protokollet från kommunstyrelsens senaste möte?",
                    "Hur lång tid tar det att få ut en allmän handling?",
                    "Kan jag få kopior av e-post mellan kommunen och en entreprenör?",
                ),
            ),
            ServiceSpec(
                "lediga-jobb-feriearbete",
                "Lediga jobb och feriearbete",
                None,
                weight=1.2,
                agreed_rosa=2,
                escalation=0.05,
                unit="ekonomi-och-personal",
                callback_working_days=2,
                questions=(
                    "När kan ungdomar söka feriearbete?",
                    "Hur söker jag timvikariat i kommunen?",
                    "Jag har sökt ett jobb – när får jag besked?",
                ),
                season={2: 1.8, 3: 2.0, 4: 1.6, 5: 1.2, 7: 0.5},
            ),
            ServiceSpec(
                "synpunkter-klagomal",
                "Synpunkter och klagomål",
                None,
                weight=1.5,
                agreed_rosa=3,
                escalation=0.25,
                unit="kansliet",
                callback_working_days=5,
                questions=(
                    "Jag vill lämna ett klagomål på bemötandet jag fick",
                    "Hur lämnar jag ett medborgarförslag?",
                    "Jag vill tacka personalen på äldreboendet",
                ),
            ),
            ServiceSpec(
                "politik-sammantraden",
                "Politik, val och sammanträden",
                None,
                weight=0.6,
                agreed_rosa=1,
                escalation=0.05,
                unit="kansliet",
                callback_working_days=2,
                questions=(
                    "När är nästa sammanträde med kommunfullmäktige?",
                    "Var hittar jag kontaktuppgifter till politikerna?",
                    "Hur blir jag valarbetare?",
                ),
            ),
            ServiceSpec(
                "tomtko-bostader",
                "Bostäder och tomtkö",
                None,
                weight=0.8,
                agreed_rosa=3,
                escalation=0.10,
                unit="mark-och-exploatering",
                callback_working_days=3,
                questions=(
                    "Hur ställer jag mig i kommunens tomtkö?",
                    "Har kommunen några lediga villatomter?",
                    "Hur hittar jag en hyreslägenhet i kommunen?",
                ),
            ),
            ServiceSpec(
                "borgerlig-vigsel",
                "Borgerlig vigsel",
                None,
                weight=0.5,
                agreed_rosa=4,
                escalation=0.05,
                unit="kansliet",
                callback_working_days=2,
                questions=(
                    "Hur bokar vi borgerlig vigsel i stadshuset?",
                    "Kan vigselförrättaren komma till en plats vi väljer?",
                    "Vilka papper behöver vi ha med till vigseln?",
                ),
                season=SUMMER,
            ),
        ),
    ),
)


# --- People -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # a group from migration 0002, or "admin" for the superuser
    first_name: str
    last_name: str
    department: str | None = None  # department code, for the department role


# Deliberately simple passwords (password = username): only for the embedded local demo.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("agent", "kundtjanst", "Sara", "Lindqvist"),
    DemoLogin("forvaltning", "forvaltning", "Per", "Holmberg", department="samhallsbyggnad"),
    DemoLogin("arbetsledare", "arbetsledare", "Karin", "Berg"),
    DemoLogin("chef", "chef", "Anders", "Sjöberg"),
    DemoLogin("admin", "admin", "Demo", "Administratör"),
)

# More contact-centre agents, so the demo has a team (no password: log in as `agent`).
AGENTS: tuple[PersonSpec, ...] = (
    PersonSpec("lisa.johansson", "Lisa", "Johansson"),
    PersonSpec("johan.eriksson", "Johan", "Eriksson"),
    PersonSpec("fatima.ali", "Fatima", "Ali"),
    PersonSpec("erik.larsson", "Erik", "Larsson"),
    PersonSpec("sofia.karlsson", "Sofia", "Karlsson"),
    PersonSpec("ahmed.hassan", "Ahmed", "Hassan"),
    PersonSpec("emma.olsson", "Emma", "Olsson"),
    PersonSpec("mikael.petersson", "Mikael", "Petersson"),
)

CITIZEN_FIRST_NAMES = (
    "Anna", "Maria", "Eva", "Karin", "Kristina", "Lena", "Sara", "Elin", "Ida", "Emma",
    "Malin", "Sofia", "Johanna", "Linnea", "Astrid", "Ingrid", "Maja", "Nour", "Amira", "Aino",
    "Lars", "Mikael", "Anders", "Johan", "Per", "Erik", "Karl", "Peter", "Jan", "Lennart",
    "Oskar", "Nils", "Hampus", "Ali", "Mohammed", "Daniel", "Fredrik", "Björn", "Göran", "Tobias",
)  # fmt: skip
CITIZEN_LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
    "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson", "Lindqvist",
    "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Mattsson",
    "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Ali", "Mohammed", "Ahmed", "Virtanen",
)  # fmt: skip

# Mobile numbers PTS reserves for fiction (070-174 06 05 – 070-174 06 99): never a real person.
FICTIONAL_PHONE_RANGE = (5, 99)
# Reserved for documentation (RFC 2606), so a demo reply can never reach anyone.
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
# Test personnummer from Skatteverket's published list of numbers that belong to no one.
TEST_PERSONNUMMER = (
    "194408139089", "199006022397", "199107172380", "199610202385", "195711212893",
    "196107293059", "197912309296", "199312172381", "198705212382", "198808112380",
    "199001252387", "199212252382", "199504242398", "194201199124", "193012299263",
)  # fmt: skip


# --- Arrival profiles ---------------------------------------------------------------------------

# First-contact channel mix on a working day; weekend contacts are written only (see below),
# which moves the year's mix a little towards e-mail and web.
WORKING_DAY_CHANNELS = {
    "phone": 56.5,
    "email": 19.0,
    "web": 11.5,
    "visit": 6.3,
    "chat": 4.2,
    "social": 1.6,
    "letter": 0.9,
}
CLOSED_DAY_CHANNELS = {"email": 55.0, "web": 38.0, "social": 7.0}

# New cases on an ordinary working day, and on a weekend or holiday (written channels only).
CASES_PER_WORKING_DAY = 152
CASES_PER_CLOSED_DAY = 12
WEEKDAY_FACTOR = (1.22, 1.05, 1.0, 0.95, 0.78)  # Monday .. Friday
MONTH_FACTOR = {1: 1.08, 2: 1.02, 3: 1.03, 4: 1.0, 5: 1.0, 6: 0.92, 7: 0.55, 8: 0.98, 9: 1.06,
                10: 1.02, 11: 1.0, 12: 0.9}  # fmt: skip
# Christmas to Epiphany, the weeks after Midsummer, and a day squeezed between a holiday and a
# weekend (klämdag) are quiet even when the centre is open.
CHRISTMAS_FACTOR = 0.6
AFTER_MIDSUMMER_FACTOR = 0.75
BRIDGE_DAY_FACTOR = 0.6

# Opening hours of the telephone, reception and chat (local time); mail and forms arrive any time.
OPENS_AT = 8 * 60
CLOSES_AT = 16 * 60 + 30
# Relative arrivals per hour of the day, by channel family. Peaks 9–11 and 13–15.
SYNCHRONOUS_HOURS = {8: 0.75, 9: 1.35, 10: 1.4, 11: 1.05, 12: 0.7, 13: 1.25, 14: 1.2, 15: 0.8,
                     16: 0.3}  # fmt: skip
CHAT_HOURS = {9: 1.0, 10: 1.2, 11: 1.0, 12: 0.7, 13: 1.1, 14: 1.1}
LETTER_HOURS = {9: 1.0, 10: 1.0}  # the day's post is registered in the morning
WRITTEN_HOURS = {0: 0.1, 1: 0.05, 2: 0.03, 3: 0.02, 4: 0.02, 5: 0.06, 6: 0.2, 7: 0.45,
                 8: 0.95, 9: 1.3, 10: 1.3, 11: 1.05, 12: 0.85, 13: 1.2, 14: 1.15, 15: 0.95,
                 16: 0.75, 17: 0.45, 18: 0.4, 19: 0.4, 20: 0.45, 21: 0.4, 22: 0.25,
                 23: 0.15}  # fmt: skip

# ROSA level of a case the contact centre answers itself, before the agreement's ceiling.
CONTACT_CENTRE_ROSA = {1: 0.40, 2: 0.35, 3: 0.17, 4: 0.08}
# ROSA level when the department resolves an escalated case.
DEPARTMENT_ROSA = {4: 0.2, 5: 0.45, 6: 0.35}


# --- Texts --------------------------------------------------------------------------------------

# Resolution notes by ROSA level: neutral enough to fit any service.
RESOLUTION_NOTES = {
    1: (
        "Gav information utifrån checklistan.",
        "Informerade om regler och handläggningstider och hänvisade till webbplatsen.",
        "Informerade om öppettider och kontaktvägar.",
    ),
    2: (
        "Vägledde medborgaren i e-tjänsten.",
        "Förklarade reglerna och vilka alternativ som finns.",
        "Gav råd utifrån checklistan; medborgaren nöjd med svaret.",
    ),
    3: (
        "Hjälpte medborgaren att fylla i ansökan och skickade den vidare.",
        "Registrerade anmälan åt medborgaren och skickade bekräftelse.",
        "Skickade blankett och informationsmaterial.",
    ),
    4: (
        "Handlade ärendet enligt rutinen i överenskommelsen med förvaltningen.",
        "Registrerade ärendet i verksamhetssystemet och bekräftade till medborgaren.",
        "Åtgärdade enligt rutin och bekräftade till medborgaren.",
    ),
}
# What the department's case officer noted when finishing an escalation: without a decision …
DEPARTMENT_NOTES = (
    "Handläggare har besvarat frågan.",
    "Handläggare har gått igenom ärendet med medborgaren och bokat uppföljning.",
    "Utredning genomförd; medborgaren har fått besked.",
)
# … and with one.
DECISION_NOTES = (
    "Beslut fattat och skickat till medborgaren.",
    "Utredning genomförd; beslut med överklagandehänvisning skickat till medborgaren.",
)
# The escalation form: what the citizen was told, on the channel the callback is promised on.
TOLD_CITIZEN = {
    "phone": "Handläggare på {unit} ringer upp senast {due}.",
    "email": "Handläggare på {unit} svarar via e-post senast {due}.",
}
# The agent's optional note to the department.
ESCALATION_NOTES = (
    "Medborgaren nås bäst efter kl. 13.",
    "Medborgaren har hört av sig om detta flera gånger tidigare.",
    "Medborgaren är orolig och vill gärna ha besked så snart som möjligt.",
    "Medborgaren talar helst engelska.",
)
# The department's callback to the citizen, by channel.
DEPARTMENT_CALLBACK_TEXTS = {
    "phone": (
        "Ringde upp och besvarade frågan.",
        "Ringde upp och gick igenom vad ansökan behöver innehålla.",
        "Ringde upp och förklarade hur ärendet handläggs och när beslut kan väntas.",
    ),
    "email": (
        "Besvarade frågan per e-post.",
        "Skickade per e-post vad ansökan behöver innehålla.",
        "Förklarade per e-post hur ärendet handläggs och när beslut kan väntas.",
    ),
}
# A department sending the case back to the contact centre with the answer to give.
RETURN_ANSWERS = (
    "Frågan kan besvaras utifrån checklistan: kundtjänst kan ge medborgaren svaret.",
    "Ansökan är komplett och handläggs i turordning. Beslut kan väntas inom fyra veckor.",
    "Vi behöver kompletterande handlingar; medborgaren kan skicka dem via e-tjänsten.",
    "Ärendet är redan avgjort hos oss; beslutet skickades till medborgaren förra veckan.",
)
RETURN_CALLBACK_TEXT = "Återkopplade förvaltningens svar till medborgaren."
RETURN_RESOLUTION_NOTE = "Medborgaren har fått förvaltningens svar via kundtjänst."
REPLY_TEXTS = (
    "Tack för ditt meddelande. Här kommer svar på din fråga.",
    "Hej! Vi har tittat på din fråga och svarar nedan.",
    "Tack för att du hörde av dig. Information och länkar finns nedan.",
)
ESCALATION_REPLY = "Vi har lämnat din fråga till ansvarig förvaltning som återkommer till dig."
REQUEST_INFO_TEXT = "För att kunna hjälpa dig behöver vi fler uppgifter. Svara gärna på detta."
FOLLOW_UP_TEXTS = (
    "Jag har inte fått något svar ännu.",
    "Jag har en följdfråga på svaret jag fick.",
    "Här kommer uppgifterna ni bad om.",
)
CALLBACK_NOTE = "Kontrollerar uppgifter och ringer upp medborgaren."
CLOSED_NOTE = "Medborgaren har inte återkommit med de begärda uppgifterna."
