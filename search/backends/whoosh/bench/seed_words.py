"""Seed vocabulary of the synthetic benchmark corpus.

The distinct words (two letters or more) of the organisation's procedure
"klachten & beroep" (versie 2305), most frequent first (ties alphabetical). The
corpus generator grows a 30,000-word vocabulary from them (inflections and
compounds); with the same random seed it reproduces the corpus behind the engine
figures in DESIGN.md (``bench/make_corpus.py`` in the shared folder) without
needing that folder.
"""

_TEXT = """
de van het een ciio of en is in beroep klacht op dat die met klachten klant wordt
niet worden wanneer als behandeling voor aan beslissing zijn er kan
portefeuillehouder te bij casusregister genomen heeft kunnen organisatie andere dit
geen hebben hoogte naar aantekenen beoordelaars beroepszaken documenten eiser hij
mail officemanager om onderzoek ook over aanleiding alle behandelaar door mediation
uit zal zij acties betrekking bewaard blijft certificaathouder certificatiebeslisser
certificatiebeslissing dan deze elke externe haar houdt klanten klantsignalen maar
mogelijk mondeling na nieuwe notaris oorspronkelijke oplossing partijen per
procedure proces resultaten signaal signalen ter tot voorgelegd voorkomen wijze
zowel aangepast aangetekend afhandeling al alleen behandeld behandelen beide beoogde
beoordelaar beroepszaak beslist besproken betreft betrokkenen binnen brief
certificaathouders daar daartoe definitie degene directie dossier eens enkele ervoor
eventuele gaat gecertificeerd gecertificeerde gegevens gehouden gesteld geuit geven
informatie klantdossier komen maand manier moet motivatie nodig nog notarissen
omtrent onder onderdeel onderzoeken ongenoegen ontvangen opmerkingen overwegingen
plaats register schriftelijk staat teamleider terecht tevreden tijdens uitkomst
verantwoordelijk verantwoordelijkheid verder vindt vormen waarbij wil zeer zitting
zo zorgt één aangaan aangegeven aangemerkt aanmerking aanmerkingen aanpassing
aantekenaar aantekenende aantekening aantekent acceptabel achtneming actie
afgesloten afhandelen afsluiten agendapunt alles argumenten attentie band basis
bedoeling behandelt belanghebbenden benadelen beoordeelt beschrijving beslissingen
besluiten bespreking betrokken bevat bevestigt bevoegd bevragen bewijsmaterialen
bijgehouden bijsturing bijvoorbeeld bijzondere bindend binnenkomt blijken blz
bovenstaande brengen categorie certificaat certificatie certificatiebeslissers
collega communiceert concludeert continueren correct daaruit datum delen dergelijke
derhalve diegene direct directe directiebeoordeling directievertegenwoordiger
discussie doel doen doet doorlooptijd doornemen drie duidelijk dusdanig duurt eer
eerdere eerste eerstvolgende einde elk elkaar ernaar escalatie evaluatie
evaluatieformulier evaluatiegesprekken evalueren eventueel formeel formele
functionaris functionarissen gaan geanonimiseerd gebeurd gediscrimineerd gehele
gekozen gelabeld geldt geleid gemaakt genoteerd geregistreerd geregistreerde geschil
gesprekken getrokken geval gevestigd geweten graag hanteert hem hierna hiertegen
hiervan hoger hoog houdend hun iedereen iets inbreuk inclusief inhoudelijk input
inzicht inzichten jaarlijkse kennis kerngroepbijeenkomst kerngroeplid keuze
klachtsituatie klantregister klantsignaal klanttevredenheid kort krijgen krijgt
kritische kwaliteit kwaliteitssysteem kwaliteitsverbetering laat langer later
leerpunten lees leidt leren lezen licht liefst lijst logboek maatregel maatregelen
mede mee meegenomen meer meestal mening min missie mogen moment monitoring nadat
nadeel nagelaten niveau nmi noch nodigt noemend noodgevallen onderdelen onderneemt
ondervindt onderzoeksdag onderzoekt oneens ongewijzigd ontvangst oogpunt
oorzaakanalyse opdracht opgenomen opgetekend opgetreden opgevat opvragen oude
overleg passen passende portefeuille principe procedures procesgang procesmatig
recent reflectie regelmatig regelmatige regio registratie registreert registreren
reglement reguliere rekening relatie resultaat schriftelijke slaagt speciaal
specialisatie stap status stellen stelt streeft summiere telefonisch tenslotte
termijn terugkomt toch toe toepassing toestemming tussentijdse uitgekozen uitgemaakt
uitkomsten uitvoering uitvoert uur vanwege vastleggen vaststellingsovereenkomst veel
veranderingen verklaringsovereenkomst verloop verplicht verplichting verschaft
versie vertrouwelijkheid vervolgens vervolgonderzoeken vervolgtraject verweerder
verwijzing verzamelen verzamelt via vinden voldoen volledig vooral voorleggen vorm
vragen waar waarderen waarom waarvan was welke werkzaamheden wijst wijzen wijzigt ze
zeggen zienswijzen ziet zinvol zodanig zullen
"""

SEED_WORDS = _TEXT.split()
