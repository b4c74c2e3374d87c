import type { Illustration } from "./illustrations.js";

/**
 * The demo publication: a city paper for the fictional harbour city of Port Alder. Every story,
 * name and outlet here is invented for Broadsheet's demo; the one curated story cites an outlet
 * on the reserved `.example` domain.
 */

export interface DemoAuthor {
  key: string;
  name: string;
  email: string;
  bio: string;
}

export interface DemoCategory {
  name: string;
  slug: string;
  description: string;
}

export interface DemoStory {
  slug: string;
  title: string;
  excerpt: string;
  author: string;
  category: string;
  tags: string[];
  /** How long before "now" the story went out. */
  hoursAgo: number;
  body: string;
  image?: { alt: string; art: Illustration };
  sources?: { url: string; name: string; original_author?: string }[];
  sticky?: boolean;
}

export const DEMO_AUTHORS: DemoAuthor[] = [
  {
    key: "maya",
    name: "Maya Okafor",
    email: "maya.okafor@demo.broadsheet.invalid",
    bio: "City editor. Maya has covered Port Alder's council, courts and neighbourhoods for eleven years and still takes the number 4 tram to work.",
  },
  {
    key: "daniel",
    name: "Daniel Reyes",
    email: "daniel.reyes@demo.broadsheet.invalid",
    bio: "Business and economy correspondent. Before joining the paper Daniel spent six years reporting on shipping and ports from Rotterdam and Singapore.",
  },
  {
    key: "ingrid",
    name: "Ingrid Solberg",
    email: "ingrid.solberg@demo.broadsheet.invalid",
    bio: "Science and environment reporter, trained as a marine biologist. Ingrid writes about the coast, the climate and the people who measure both.",
  },
  {
    key: "tomas",
    name: "Tomás Brennan",
    email: "tomas.brennan@demo.broadsheet.invalid",
    bio: "Culture and sport writer. Tomás reviews theatre, follows the Harbour Rowing League and runs the paper's weekend listings.",
  },
];

export const DEMO_CATEGORIES: DemoCategory[] = [
  {
    name: "City",
    slug: "city",
    description: "Council, transport, housing and life in Port Alder's neighbourhoods.",
  },
  {
    name: "Business",
    slug: "business",
    description: "The port, local companies, jobs and the cost of living.",
  },
  {
    name: "Science",
    slug: "science",
    description: "Research from the university, the coast and the climate.",
  },
  { name: "Culture", slug: "culture", description: "Theatre, music, film, books and the city's galleries." },
  { name: "Sport", slug: "sport", description: "Rowing, football, the marathon and grassroots clubs." },
];

const palettes = {
  dusk: [
    [44, 62, 110],
    [238, 150, 110],
  ],
  morning: [
    [120, 180, 220],
    [236, 222, 196],
  ],
  night: [
    [12, 18, 40],
    [40, 52, 96],
  ],
  studio: [
    [246, 241, 232],
    [226, 218, 204],
  ],
  theatre: [
    [24, 16, 28],
    [58, 30, 44],
  ],
} as const;

export const DEMO_STORIES: DemoStory[] = [
  {
    slug: "harbour-tram-extension-approved",
    title: "Council approves harbour tram extension after late-night vote",
    excerpt:
      "The number 4 line will run to the ferry terminal by 2028. Supporters call it overdue; traders on Quay Street fear two years of roadworks.",
    author: "maya",
    category: "City",
    tags: ["Transport", "Council"],
    hoursAgo: 2,
    sticky: true,
    image: {
      alt: "Illustration of the Port Alder skyline at dusk with lit office windows",
      art: {
        scene: "skyline",
        sky: [palettes.dusk[0], palettes.dusk[1]],
        ink: [
          [255, 214, 150],
          [78, 70, 110],
          [36, 34, 60],
        ],
        seed: 11,
      },
    },
    body: `Port Alder's city council voted 31 to 17 shortly before midnight on Tuesday to extend the number 4 tram line from Market Square to the ferry terminal, ending a debate that has run, on and off, for nine years.

The 2.4-kilometre extension adds four stops along Quay Street and the old customs yard. Construction is due to start next spring, with the first trams running in the summer of 2028.

## "Nine years of maybes"

Councillor Ruth Adeyemi, who chairs the transport committee, said the vote ended "nine years of maybes". About 6,000 people a day change from the ferry to a bus that is, in her words, "late, full, or both".

> We are not building a tram for the next election. We are building it for the next fifty years.

Opponents argued the €148 million budget leaves too little room for overruns. Councillor Piet Vos said the city had "never once delivered a rail project on time" and asked for an independent cost review, which was rejected.

## What it means for Quay Street

Traders on Quay Street are less worried about the trams than about the works. The street's business association asked for a compensation fund for shops that lose trade during construction; the council agreed to draw up a scheme by January.

The transport department will hold drop-in sessions at the Customs House library on the next three Saturdays, where residents can see the planned stop designs and the order in which streets will close.`,
  },
  {
    slug: "plankton-bloom-lights-up-north-beach",
    title: "Glowing plankton bloom lights up North Beach for a third night",
    excerpt:
      "Warm water and calm seas have brought a rare bioluminescent bloom to the bay. Scientists say it is beautiful, harmless to swimmers and a sign of a warming coast.",
    author: "ingrid",
    category: "Science",
    tags: ["Coast", "Climate"],
    hoursAgo: 5,
    image: {
      alt: "Illustration of a calm sea at night under a pale moon",
      art: {
        scene: "sea",
        sky: [palettes.night[0], palettes.night[1]],
        ink: [
          [226, 232, 240],
          [30, 90, 120],
          [20, 130, 150],
          [60, 200, 190],
        ],
        seed: 7,
      },
    },
    body: `For the third night running, the waves at North Beach glowed electric blue on Thursday as crowds gathered along the promenade to watch a bloom of bioluminescent plankton.

The light comes from *Noctiluca scintillans*, a single-celled organism that flashes when the water around it is disturbed. Every breaking wave, oar stroke or paddling dog sets off a trail of light.

## Why now

Dr Lena Markovic of the university's marine station said the bloom followed ten days of water about two degrees warmer than the August average, combined with unusually still weather.

> It is genuinely lovely to see, and it is also a measurement. We are seeing these blooms earlier in the year than we did twenty years ago.

The species is not toxic to people, and swimming is safe, although the station asks visitors not to take bucketfuls home: the organisms die within hours and the smell, Dr Markovic said, "is less romantic than the light".

## How to see it

The glow is strongest on moonless nights, an hour or more after sunset, on the stretch between the lifeguard hut and the north groyne. The bloom is expected to fade when the forecast wind arrives on Sunday.`,
  },
  {
    slug: "port-container-volumes-record-quarter",
    title: "Port handles record container volumes as new cranes come online",
    excerpt:
      "Throughput rose 14 per cent in the third quarter, driven by the deep-water berth. Unions say staffing has not kept pace.",
    author: "daniel",
    category: "Business",
    tags: ["Port", "Jobs"],
    hoursAgo: 9,
    image: {
      alt: "Illustration of a bar chart rising from left to right",
      art: {
        scene: "chart",
        sky: [palettes.studio[0], palettes.studio[1]],
        ink: [
          [155, 28, 31],
          [31, 91, 135],
          [45, 102, 54],
          [31, 91, 135],
        ],
        seed: 3,
      },
    },
    body: `The Port of Port Alder moved 412,000 containers between July and September, the busiest quarter in its 140-year history, according to figures published on Wednesday.

The port authority credited the deep-water berth that opened in April, where three electric ship-to-shore cranes can now unload the largest vessels calling in the region without waiting for the tide.

## Who benefits

Chief executive Hanne de Wit said the port now supports "around 9,300 jobs directly and in the logistics parks", up from 8,100 two years ago. Rail freight out of the port rose faster than road haulage for the first time, which the authority said would keep an estimated 40,000 lorry journeys a year off the ring road.

## Strain on the quay

The dockworkers' union welcomed the growth but said crews were working more overtime than at any point it could remember. Its regional secretary, Femi Lawal, said the union would ask for 120 additional permanent posts at pay talks in November.

The port authority said it had hired 85 people this year and was "in constructive talks". Analysts expect volumes to ease in the fourth quarter as the holiday shipping season ends.`,
  },
  {
    slug: "old-roxy-cinema-reopens",
    title: "The Old Roxy reopens its doors after a seven-year restoration",
    excerpt:
      "The 1931 cinema on Lantern Row has its plasterwork, its organ and its balcony back — and a programme that mixes premieres with silent films.",
    author: "tomas",
    category: "Culture",
    tags: ["Film", "Heritage"],
    hoursAgo: 20,
    image: {
      alt: "Illustration of a theatre stage under three spotlights framed by red curtains",
      art: {
        scene: "stage",
        sky: [palettes.theatre[0], palettes.theatre[1]],
        ink: [
          [255, 226, 170],
          [140, 24, 36],
          [196, 52, 60],
          [70, 44, 34],
        ],
        seed: 5,
      },
    },
    body: `When the lights went down at the Old Roxy on Friday night, the audience applauded before the film had even started. For many of the 620 people in the restored auditorium it was their first time inside since the cinema closed in 2016.

The seven-year restoration, led by a community trust that raised more than €4 million from 11,000 donors, has brought back the building's gilded plaster ceiling, its Compton organ and the balcony that had been sealed off since the 1980s.

## A programme with range

The opening weekend mixed a new release with a silent comedy accompanied live on the organ by 24-year-old Amara Lindqvist, who learned to play it on weekday mornings during the restoration.

> People kept asking whether a single-screen cinema can survive. Tonight eleven hundred people bought tickets for a film from 1924. I think that answers it.

Trust chair Colm Whelan said the Roxy would run as a non-profit, with a café on the ground floor and the first-floor bar open to the public during the day. Tickets for the autumn season go on sale on Monday.`,
  },
  {
    slug: "rowing-league-final-harbour-blues",
    title: "Harbour Blues take the Rowing League title in a photo finish",
    excerpt:
      "A margin of 0.3 seconds separated the Blues from Riverside after 2,000 metres. It is the club's first league title since 2009.",
    author: "tomas",
    category: "Sport",
    tags: ["Rowing"],
    hoursAgo: 26,
    image: {
      alt: "Illustration of a harbour at sunrise with gentle waves",
      art: {
        scene: "sea",
        sky: [palettes.morning[0], palettes.morning[1]],
        ink: [
          [255, 236, 180],
          [70, 130, 170],
          [40, 100, 150],
          [24, 70, 120],
        ],
        seed: 19,
      },
    },
    body: `Harbour Blues won the Harbour Rowing League final on Saturday by 0.3 seconds, the narrowest winning margin in the league's history, after overhauling Riverside in the final 200 metres.

Riverside led from the start and were a length clear at the halfway buoy. The Blues, stroked by 19-year-old Jonah Mbeki, raised their rate to 40 strokes a minute as the crews passed the lighthouse and crossed the line almost level. The result took the judges four minutes to confirm.

## First title since 2009

It is the Blues' first league title since 2009. Head coach Sofia Varga said the crew had trained at 5.30 every morning since February "in weather that would have kept most people in bed".

> We were behind for 1,800 metres. They just never believed it.

Riverside, who had been unbeaten all season, will have their revenge chance at the Autumn Head on October 12. More than 3,000 spectators lined the harbour wall, a record for the final.`,
  },
  {
    slug: "rent-cap-proposal-public-consultation",
    title: "What the proposed rent cap would mean for tenants and landlords",
    excerpt:
      "The council's plan would limit annual rent rises to inflation plus one per cent. We answer the questions readers have sent us.",
    author: "maya",
    category: "City",
    tags: ["Housing", "Council", "Explainer"],
    hoursAgo: 30,
    body: `The council opened a ten-week public consultation on Monday on a proposal to cap annual rent increases in Port Alder at inflation plus one per cent. More than 400 readers have written to us with questions; here are answers to the most common.

## Who would be covered?

Private tenancies of more than six months. Social housing already has its own limit, and holiday lets and student halls are excluded.

## Would it apply to new tenancies?

No. Landlords could still set the rent freely at the start of a tenancy. The cap would limit increases during it, which critics say could push landlords to end tenancies more often. The proposal includes a rule that a landlord who ends a tenancy in order to re-let at a higher rent would have to wait twelve months.

## When could it start?

If the council approves it after the consultation, the earliest start date is next July. The city also needs approval from the national housing ministry, which has said it will decide within three months of receiving an application.

## How do I respond?

Online through the council's website, or on paper at any library. Tenants' and landlords' associations are both holding public meetings; we will publish the dates as they are confirmed.`,
  },
  {
    slug: "coastal-erosion-survey-cliffs",
    title: "Survey finds the southern cliffs retreating twice as fast as expected",
    excerpt:
      "Drone mapping shows the cliffs below Kestrel Point lost up to 1.8 metres a year since 2019. Six homes are now within the 25-year risk zone.",
    author: "ingrid",
    category: "Science",
    tags: ["Coast", "Climate", "Housing"],
    hoursAgo: 46,
    image: {
      alt: "Illustration of layered hills and a low sun over the coast",
      art: {
        scene: "mountains",
        sky: [palettes.morning[0], palettes.morning[1]],
        ink: [
          [255, 240, 200],
          [150, 160, 170],
          [110, 120, 120],
          [70, 84, 80],
        ],
        seed: 23,
      },
    },
    body: `The clay cliffs below Kestrel Point are eroding at up to 1.8 metres a year, roughly twice the rate assumed in the city's coastal plan, according to a survey published on Tuesday by the university's geography department.

Researchers flew drones over the 3-kilometre stretch every three months for five years and compared the resulting 3D models. The fastest losses followed the storms of the winter before last, when a single night removed four metres in places.

## Homes at risk

Six houses on Cliff Road now fall within the zone expected to be lost within 25 years, up from none in the 2018 plan. The council said it would write to the owners this week and was reviewing whether a rock revetment at the base of the cliffs was affordable.

Dr Yusuf Demir, who led the survey, cautioned against reading the figures as a forecast for every year.

> Cliffs do not retreat smoothly. You get quiet years and then a winter that takes a bite. What matters is that the average has changed.

The full maps are available on the university's website.`,
  },
  {
    slug: "cooperative-bakery-expands",
    title: "Worker-owned bakery opens its fourth shop and hires twenty",
    excerpt:
      "Rye & Co. started in a garage in 2017. Its 38 owners now bake 9,000 loaves a week and say profits go back into wages, not dividends.",
    author: "daniel",
    category: "Business",
    tags: ["Small business", "Jobs"],
    hoursAgo: 52,
    body: `Rye & Co., the worker-owned bakery that started in a garage in the Eastgate district in 2017, opened its fourth shop on Saturday and said it would hire twenty more people by Christmas.

Every one of the bakery's 38 permanent staff is a co-owner with one vote at its general meeting. There is no outside investor; the business has been financed through a loan from a cooperative bank and two community share offers.

## Growth without shareholders

Co-founder Nadia Haddad said profits are split between wages, a reserve fund and the bakery's apprentice scheme. The lowest-paid member earns €17.40 an hour, which the cooperative says is the highest entry wage of any bakery in the region.

> Every decision that matters — opening this shop, the prices, who we hire — was voted on by the people who start work at four in the morning.

The new shop on Harbour Parade will bake on site. Rye & Co. now produces about 9,000 loaves a week and supplies eleven cafés and the university canteens. Its next community share offer opens in the spring.`,
  },
  {
    slug: "ferry-fares-freeze-winter",
    title: "Island ferry fares frozen for the winter after commuter campaign",
    excerpt:
      "The operator had planned a 9 per cent rise in November. A petition signed by 5,200 islanders and a council subsidy changed its mind.",
    author: "maya",
    category: "City",
    tags: ["Transport"],
    hoursAgo: 70,
    sources: [
      {
        url: "https://coastal-ledger.example/news/island-ferry-fares-frozen",
        name: "The Coastal Ledger",
        original_author: "Rosa Ellery",
      },
    ],
    body: `Fares on the ferry between Port Alder and Skerry Island will stay at their current level until at least April, the operator said on Monday, reversing a planned 9 per cent increase after a campaign by island commuters.

The Coastal Ledger first reported the decision, which follows a petition signed by about 5,200 people — more than half of the island's adult population — and an agreement by the city to cover part of the operator's higher fuel costs over the winter.

## What changes

A single adult ticket stays at €4.80 and a monthly pass at €96. The operator will also keep the 06.10 early sailing, which it had proposed to cut in January.

Islanders' association chair Brendan Ogun said the freeze was "a relief, not a solution", and called for a long-term contract that ties fares to the cost of the tram and bus network on the mainland.

The city's transport department said it would publish options for the ferry's future funding in February, alongside the tram extension plans.`,
  },
  {
    slug: "jazz-festival-lineup-announced",
    title: "Harbour Jazz Festival announces its biggest line-up yet",
    excerpt:
      "Forty acts on six stages over four days, a free programme on the waterfront and, for the first time, a stage run entirely by the city's music students.",
    author: "tomas",
    category: "Culture",
    tags: ["Music", "Festivals"],
    hoursAgo: 75,
    image: {
      alt: "Illustration of a lit stage with spotlights and a deep blue curtain",
      art: {
        scene: "stage",
        sky: [palettes.night[0], palettes.night[1]],
        ink: [
          [200, 220, 255],
          [26, 50, 110],
          [48, 80, 150],
          [40, 36, 48],
        ],
        seed: 31,
      },
    },
    body: `The Harbour Jazz Festival will bring forty acts to six stages across the city over the last weekend of June, its organisers announced on Thursday, in the festival's largest programme since it began in 1994.

More than half the concerts will be free, on three waterfront stages between the ferry terminal and the Customs House. The ticketed programme, at the Corn Exchange and the restored Old Roxy, opens for booking on Friday.

## Students take a stage

For the first time, one stage will be programmed, produced and played entirely by students from the conservatoire's jazz department. Festival director Imani Castell said it was "the stage I am most excited about".

> Half the musicians on the main stage this year played here as teenagers. We want the next generation to have the keys to the building, not just a slot.

The festival estimates last year's event brought 60,000 visitors to the city. Organisers say the waterfront stages will be step-free, with a quiet area and live captioning of the evening introductions.`,
  },
  {
    slug: "university-battery-research-grant",
    title: "University wins €12m grant to develop salt-water batteries",
    excerpt:
      "The five-year project aims to store energy from the bay's offshore wind farm in batteries made from abundant, non-flammable materials.",
    author: "ingrid",
    category: "Science",
    tags: ["Energy", "University"],
    hoursAgo: 98,
    image: {
      alt: "Illustration of a planet with a bright ring against a starry sky",
      art: {
        scene: "orbit",
        sky: [palettes.night[0], palettes.night[1]],
        ink: [
          [255, 208, 120],
          [52, 120, 160],
          [120, 200, 210],
        ],
        seed: 41,
      },
    },
    body: `Port Alder University has been awarded €12 million by the national research council to develop large batteries that use salt water instead of lithium, the university announced on Monday.

The five-year project will build a prototype storage unit beside the substation that connects the offshore wind farm in the bay to the grid. Researchers hope to show that so-called aqueous sodium batteries can store surplus wind power overnight at a lower cost than lithium-ion systems, and without their fire risk.

## Cheap, safe, heavy

Professor Aiko Tanaka, who leads the project, said the chemistry was "cheap, safe and heavy" — too heavy for cars, but well suited to a building that never moves.

> Nobody needs a grid battery to be light. They need it to last twenty years and never catch fire.

The grant will fund 22 research posts and a partnership with two local manufacturers. The prototype is due to connect to the grid in 2027.`,
  },
  {
    slug: "marathon-route-changes",
    title: "Marathon route moves to the waterfront to avoid tram works",
    excerpt:
      "This year's course swaps the Quay Street climb for a flat loop past the lighthouse. Organisers expect faster times and fewer road closures.",
    author: "tomas",
    category: "Sport",
    tags: ["Running", "Transport"],
    hoursAgo: 120,
    image: {
      alt: "Illustration of rolling green hills under a morning sun",
      art: {
        scene: "hills",
        sky: [palettes.morning[0], palettes.morning[1]],
        ink: [
          [255, 230, 160],
          [120, 170, 110],
          [80, 140, 80],
          [50, 110, 60],
        ],
        seed: 13,
      },
    },
    body: `The Port Alder Marathon will follow a new route this year, replacing the climb up Quay Street with a flat loop along the waterfront and past the lighthouse, organisers said on Wednesday.

The change avoids the first phase of the tram extension works and, race director Marta Kowalczyk said, should produce "the fastest course we have ever had". The start and finish stay in Market Square.

## Fewer closures

Roads will reopen on average ninety minutes earlier than last year, because the new course uses more of the promenade, which is closed to traffic anyway. Bus diversions will be published two weeks before race day.

About 9,000 runners have entered the full and half marathons. Entries close at the end of the month.`,
  },
  {
    slug: "library-late-opening-trial",
    title: "Libraries to stay open until 10pm in six-month trial",
    excerpt:
      "Three branches will open late on weekdays from next month, staffed by a mix of librarians and volunteers, after a survey found students had nowhere quiet to study.",
    author: "maya",
    category: "City",
    tags: ["Council", "Education"],
    hoursAgo: 150,
    body: `Three of Port Alder's public libraries will stay open until 10pm on weekdays from next month, in a six-month trial the council says could become permanent if enough people use it.

The Customs House, Eastgate and Northfield branches were chosen because they are close to the university and to the city's two largest secondary schools. A survey of 1,400 students last spring found that 38 per cent had no quiet place to study at home.

## Who will staff it

Each late shift will have at least one qualified librarian and a security officer, supported by volunteers from the Friends of the Libraries group. The council estimates the trial will cost €210,000, paid from its education budget.

Head of libraries Grace Mensah said the branches would keep their children's sections closed after 7pm but open the study rooms, the computers and the café. The council will publish visitor numbers every month of the trial.`,
  },
  {
    slug: "small-business-energy-costs",
    title: "Small firms say energy bills are their biggest worry for the winter",
    excerpt:
      "A chamber of commerce survey of 600 businesses found two in five expect to cut opening hours. Restaurants and laundries are hit hardest.",
    author: "daniel",
    category: "Business",
    tags: ["Small business", "Energy", "Cost of living"],
    hoursAgo: 170,
    body: `Two in five small businesses in Port Alder expect to cut their opening hours this winter because of energy costs, according to a survey published on Friday by the city's chamber of commerce.

The survey of 600 firms found energy has overtaken staffing as their biggest concern for the first time. Restaurants, bakeries and laundries, which run ovens, fryers and dryers for long hours, reported the largest increases: a median rise of 31 per cent in their bills compared with last winter.

## Calls for help

The chamber asked the council to extend its energy-efficiency grants, which currently cover up to half the cost of heat pumps and insulation for homes, to businesses with fewer than 20 employees.

> Most of our members are not asking for a bailout. They are asking for help to stop wasting the energy they already pay for.

The council said it would consider the request when it sets next year's budget in December.`,
  },
];
