"""Spanish."""

from tracker.enrich.languages import LanguagePack

PACK = LanguagePack(
    code="es",
    verbs=r"dijo|dice|dicen|dijeron|afirmó|afirma|afirmaron|declaró|declara|declararon|señaló|"
    r"señala|indicó|indica|aseguró|asegura|anunció|anuncia|añadió|agregó|explicó|informó|"
    r"informa|acusó|acusa|acusaron|negó|niega|confirmó|denunció|advirtió|sostuvo|manifestó|"
    r"reconoció|insistió|subrayó|destacó|alegó|(?:ha|han) (?:dicho|afirmado|declarado|"
    r"señalado|indicado|asegurado|anunciado|acusado|negado|confirmado)|en un comunicado",
    preps=r"según|de acuerdo con|citando a",
    anaphora=r"el ministerio|el ejército|el portavoz|la portavoz",
    speakers=r"portavoz|ministerio|ejército|gobierno|policía|autoridades|funcionarios?|"
    r"ministro|canciller|presidente|comandante|oficina|fuerzas|militares|grupo|movimiento|"
    r"jefe|dirigentes?|régimen",
    killed=r"muert[oa]s?|murieron|fallecid[oa]s?|asesinad[oa]s?|víctimas",
    wounded=r"herid[oa]s?|lesionad[oa]s?",
    damage=r"destrui\w*|destruy\w*|dañad\w*|derribad\w*|vehículos?|tanques?|aviones?|"
    r"infraestructuras?|edificios?|viviendas|hospitales?|puentes?",
    numbers={
        "uno": 1,
        "una": 1,
        "dos": 2,
        "tres": 3,
        "cuatro": 4,
        "cinco": 5,
        "seis": 6,
        "siete": 7,
        "ocho": 8,
        "nueve": 9,
        "diez": 10,
        "cien": 100,
    },
    months={
        "enero": 1,
        "febrero": 2,
        "marzo": 3,
        "abril": 4,
        "mayo": 5,
        "junio": 6,
        "julio": 7,
        "agosto": 8,
        "septiembre": 9,
        "octubre": 10,
        "noviembre": 11,
        "diciembre": 12,
    },
    responsibility=r"reivindic\w*|se atribuy\w*",
    denial=r"negó|niega|rechazó|rechaza|desmintió",
    initiator=r"acus\w*|atac\w*|violación|violó|responsab\w*",
    means=r"cohetes?|misiles?|bombardeos?|drones?|disparos|explosivos?|artillería|"
    r"coche bomba",
    clause_words=r"que|quien|después|cuando|y|pero",
)
