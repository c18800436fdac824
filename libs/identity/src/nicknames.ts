/**
 * UK English given-name variants: formal names, diminutives, spelling variants and the
 * Teesside "-z" forms (Gaz, Baz, Shaz). Each group's first entry is its canonical key.
 *
 * A diminutive can belong to several groups (Chris: Christopher and Christine; Sam: Samuel and
 * Samantha); its primary group, used for blocking, is the first group listing it. Comparison
 * uses every group a name belongs to, so Chris matches both Christopher and Christine while
 * Christopher and Christine do not match each other.
 *
 * Deliberately absent: Liam (William), Jack (John), Lisa (Elizabeth), Sally (Sarah) and the like,
 * which in the UK are names in their own right; grouping them would send parents and children
 * with related names to review.
 */
const GROUPS: readonly (readonly string[])[] = [
  // men
  ['john', 'jon', 'jonathan', 'jonathon', 'johnny', 'johnnie', 'jonny', 'jonnie', 'jonno'],
  ['william', 'will', 'bill', 'billy', 'willie', 'willy', 'wills'],
  ['robert', 'rob', 'bob', 'bobby', 'robbie', 'robby', 'bert'],
  ['james', 'jim', 'jimmy', 'jimmie', 'jamie', 'jay'],
  ['michael', 'mike', 'mick', 'micky', 'mickey', 'mikey', 'mikel'],
  ['david', 'dave', 'davey', 'davy', 'davie', 'davo'],
  ['thomas', 'tom', 'tommy', 'tommie', 'thom'],
  ['christopher', 'chris', 'kris', 'christy', 'kit', 'topher'],
  ['stephen', 'steven', 'steve', 'stevie', 'stephan'],
  ['samuel', 'sam', 'sammy'],
  ['alexander', 'alex', 'alec', 'xander', 'sandy'],
  ['daniel', 'dan', 'danny', 'dani'],
  ['matthew', 'mathew', 'matt', 'matty', 'mat'],
  ['nicholas', 'nicolas', 'nickolas', 'nick', 'nicky', 'nik', 'nico'],
  ['anthony', 'antony', 'tony', 'ant'],
  ['andrew', 'andy', 'drew', 'andie'],
  ['peter', 'pete', 'petey'],
  ['joseph', 'joe', 'joey', 'jo'],
  ['patrick', 'pat', 'paddy'],
  ['richard', 'rich', 'richie', 'ritchie', 'rick', 'ricky', 'dick'],
  ['edward', 'ed', 'eddie', 'eddy', 'ted', 'teddy', 'ned'],
  ['charles', 'charlie', 'chas', 'chaz', 'chuck'],
  ['benjamin', 'ben', 'benny', 'benji'],
  ['joshua', 'josh'],
  ['jacob', 'jakob', 'jake'],
  ['nathan', 'nathaniel', 'nate', 'nat'],
  ['gary', 'garry', 'gaz', 'gazza'],
  ['barry', 'baz', 'bazza'],
  ['darren', 'darran', 'daz', 'dazza'],
  ['terence', 'terrence', 'terry', 'tez'],
  ['lawrence', 'laurence', 'larry', 'laurie', 'lol'],
  ['kenneth', 'ken', 'kenny'],
  ['raymond', 'ray'],
  ['ronald', 'ron', 'ronnie'],
  ['donald', 'don', 'donnie'],
  ['gerald', 'gerard', 'gerry', 'jerry', 'ged'],
  ['frederick', 'frederic', 'fred', 'freddie', 'freddy'],
  ['francis', 'frank', 'frankie', 'fran'],
  ['philip', 'phillip', 'phil', 'pip'],
  ['timothy', 'tim', 'timmy'],
  ['gregory', 'greg'],
  ['jeffrey', 'geoffrey', 'jeff', 'geoff'],
  ['leonard', 'len', 'lenny'],
  ['stuart', 'stewart', 'stu'],
  ['sean', 'shaun', 'shawn'],
  ['mohammed', 'muhammad', 'mohammad', 'mohamed', 'muhammed', 'mohamad', 'mohd', 'mo'],
  ['ahmed', 'ahmad', 'ahmet'],
  ['hussain', 'hussein', 'husain'],
  ['yusuf', 'yousef', 'yusef', 'yousuf'],
  ['henry', 'harry', 'hal', 'hank'],
  ['harold', 'harry', 'hal'],
  ['oliver', 'ollie', 'olly'],
  ['lewis', 'louis'],
  ['reece', 'rhys', 'reese'],
  ['albert', 'bert', 'bertie', 'al'],
  ['alan', 'allan', 'allen', 'al'],
  ['alfred', 'alf', 'alfie'],
  ['archibald', 'archie'],
  ['arthur', 'art', 'artie'],
  ['ian', 'iain'],
  ['neil', 'neal', 'niall'],
  ['graham', 'graeme', 'grahame'],
  ['malcolm', 'mal'],
  ['mark', 'marc'],
  ['martin', 'marty'],
  ['carl', 'karl'],
  ['scott', 'scotty'],
  ['vincent', 'vince', 'vinny', 'vinnie'],
  ['dominic', 'dominick', 'dom'],
  ['zachary', 'zach', 'zack', 'zak'],
  ['maximilian', 'max', 'maxwell'],
  ['theodore', 'theo'],
  ['tobias', 'toby'],
  ['callum', 'calum', 'cal'],
  ['connor', 'conor', 'conner'],
  ['aiden', 'aidan', 'ayden', 'aden'],
  ['kieran', 'kieron', 'ciaran', 'keiran'],
  ['bradley', 'brad'],
  ['elliot', 'elliott', 'eliot'],
  ['ashley', 'ashleigh', 'ash'],
  ['leslie', 'lesley', 'les'],
  ['dennis', 'denis', 'den'],
  ['douglas', 'doug', 'dougie'],
  ['jason', 'jase'],
  ['piotr', 'peter'],
  ['tomasz', 'tomek', 'thomas'],
  ['lukasz', 'luke'],
  // women
  ['christine', 'christina', 'kristina', 'chris', 'chrissie', 'chrissy', 'tina'],
  ['stephanie', 'steph', 'steff'],
  ['samantha', 'sam', 'sammie', 'sammy'],
  ['alexandra', 'alex', 'alexa', 'lexi', 'lexie'],
  ['danielle', 'daniella', 'dani', 'danni'],
  ['nicola', 'nichola', 'nicole', 'nicky', 'nikki', 'nicki'],
  ['joanne', 'joanna', 'joann', 'jo', 'jojo'],
  ['josephine', 'jo', 'josie'],
  ['rebecca', 'rebekah', 'becky', 'becca', 'beckie', 'bex'],
  ['jennifer', 'jenny', 'jen', 'jenni', 'jennie'],
  ['victoria', 'vicky', 'vicki', 'vikki', 'vickie', 'tori'],
  ['deborah', 'debra', 'debbie', 'debby', 'deb'],
  ['susan', 'sue', 'susie', 'suzie', 'suzy'],
  ['amanda', 'mandy', 'manda'],
  ['katherine', 'catherine', 'kathryn', 'katharine', 'kate', 'katie', 'katy', 'kathy', 'cathy', 'kath', 'cath', 'kat'],
  ['kathleen', 'kath', 'kathy'],
  ['elizabeth', 'elisabeth', 'liz', 'lizzie', 'lizzy', 'beth', 'betty', 'bess', 'libby', 'eliza'],
  ['margaret', 'maggie', 'peggy', 'meg', 'marge', 'margie'],
  ['patricia', 'pat', 'patsy', 'trish', 'tricia', 'trisha'],
  ['charlotte', 'charlie', 'lottie', 'lotte'],
  ['sharon', 'shaz', 'shazza'],
  ['karen', 'karin', 'kaz'],
  ['carol', 'carole', 'caz'],
  ['caroline', 'carolyn', 'carrie', 'caz'],
  ['frances', 'fran', 'frankie'],
  ['alison', 'allison', 'ali', 'allie'],
  ['sarah', 'sara'],
  ['emily', 'emilie', 'em', 'emmy'],
  ['emma', 'em'],
  ['gemma', 'jemma'],
  ['jessica', 'jess', 'jessie'],
  ['lucy', 'lucie'],
  ['louise', 'louisa', 'lou'],
  ['hannah', 'hanna'],
  ['abigail', 'abi', 'abbie', 'abby', 'gail'],
  ['megan', 'meghan', 'meagan', 'meg'],
  ['natalie', 'natalia', 'nat', 'nattie'],
  ['natasha', 'tasha', 'tash'],
  ['kimberley', 'kimberly', 'kim'],
  ['kelly', 'kellie'],
  ['leanne', 'lianne', 'leeanne'],
  ['claire', 'clare', 'clair'],
  ['rachel', 'rachael', 'rach'],
  ['hayley', 'haley', 'hailey', 'haylee'],
  ['zoe', 'zoey'],
  ['chloe', 'cloe', 'chloey'],
  ['sophie', 'sophia', 'sofia', 'soph'],
  ['olivia', 'liv', 'livvy'],
  ['amelia', 'emilia', 'millie'],
  ['isabella', 'isabel', 'isabelle', 'isobel', 'izzy', 'issy', 'bella'],
  ['eleanor', 'elinor', 'ellie', 'elly', 'nell'],
  ['anne', 'ann', 'annie'],
  ['mary', 'molly', 'mollie', 'polly'],
  ['dorothy', 'dot', 'dotty', 'dolly'],
  ['jacqueline', 'jacqui', 'jackie', 'jacky'],
  ['gillian', 'jillian', 'gill', 'jill'],
  ['pamela', 'pam'],
  ['beverley', 'beverly', 'bev'],
  ['jane', 'jayne', 'janey'],
  ['janet', 'janette', 'jan'],
  ['judith', 'judy', 'jude'],
  ['valerie', 'val'],
  ['sandra', 'sandie', 'sandy'],
  ['theresa', 'teresa', 'tess', 'tessa', 'terri'],
  ['melanie', 'mel'],
  ['melissa', 'mel', 'missy'],
  ['georgina', 'georgia', 'georgie'],
  ['bethany', 'beth'],
  ['caitlin', 'caitlyn', 'kaitlyn', 'katelyn'],
  ['stacey', 'stacy', 'staci'],
  ['tracey', 'tracy', 'traci'],
  ['lindsay', 'lindsey', 'linzi'],
  ['kirsty', 'kirstie', 'kirsten'],
  ['kerry', 'kerrie', 'keri'],
  ['julie', 'julia', 'jules'],
  ['michelle', 'shelley', 'shell'],
  ['rosemary', 'rose', 'rosie'],
  ['geraldine', 'gerry', 'ged'],
  ['jasmine', 'jasmin', 'yasmin', 'jaz'],
  ['amy', 'aimee', 'amie'],
  ['lauren', 'loren'],
  ['aisha', 'ayesha', 'aysha'],
  ['fatima', 'fatimah'],
  ['katarzyna', 'kasia'],
  ['malgorzata', 'gosia'],
];

/**
 * Common given names with no variant in the table. Two different names that are both known
 * (Tom and Tim, Dean and Sean) are different people, not a typo of one another.
 */
const NAMES_WITHOUT_VARIANTS = [
  'adam', 'agnieszka', 'ali', 'angela', 'anna', 'barbara', 'brian', 'colin', 'courtney', 'craig', 'dean', 'denise',
  'derek', 'dylan', 'ethan', 'evie', 'george', 'grace', 'harrison', 'helen', 'imran', 'jack', 'jade', 'jean',
  'joan', 'jordan', 'keith', 'kevin', 'kyle', 'laura', 'lee', 'leo', 'liam', 'lily', 'linda', 'lisa', 'logan',
  'luke', 'marie', 'maria', 'mason', 'mia', 'noah', 'owen', 'paige', 'paul', 'pauline', 'poppy', 'roy', 'ruby',
  'ryan', 'shannon', 'simon', 'sian', 'tyler', 'wayne', 'wendy', 'lucas', 'renee', 'trevor', 'norman', 'gordon', 'elaine',
  'lorraine', 'maureen', 'irene', 'shirley', 'sheila', 'brenda', 'lynn', 'diane', 'holly', 'jodie', 'kayleigh', 'leah',
  'ella', 'freya', 'niamh', 'harvey', 'jayden', 'hayden', 'lola', 'layla', 'erin', 'anil', 'ravi', 'priya', 'sunita',
];

function buildIndex(): { groupsOf: Map<string, string[]>; variantsOf: Map<string, string[]> } {
  const groupsOf = new Map<string, string[]>();
  const variantsOf = new Map<string, string[]>();
  for (const group of GROUPS) {
    const key = group[0];
    for (const name of group) {
      const groups = groupsOf.get(name) ?? [];
      if (!groups.includes(key)) groups.push(key);
      groupsOf.set(name, groups);
      // variants come from the name's primary group only: Peter is not written Piotr
      if (!variantsOf.has(name)) variantsOf.set(name, group.filter((other) => other !== name));
    }
  }
  return { groupsOf, variantsOf };
}

const { groupsOf, variantsOf } = buildIndex();
const membersOf = new Map<string, readonly string[]>(GROUPS.map((group) => [group[0], group]));
const KNOWN = new Set<string>([...groupsOf.keys(), ...NAMES_WITHOUT_VARIANTS]);
const NO_GROUPS: readonly string[] = [];

/** Number of variant groups in the table (for docs and tests). */
export const NICKNAME_GROUP_COUNT = GROUPS.length;

/** The primary group key of a normalised given name (lower-case letters), if the table knows it. */
export function nicknameGroup(given: string): string | undefined {
  return groupsOf.get(given)?.[0];
}

/** Every group key a normalised given name belongs to (empty when unknown). */
export function nicknameGroups(given: string): readonly string[] {
  return groupsOf.get(given) ?? NO_GROUPS;
}

/** The names of a group, by its key. */
export function groupMembers(groupKey: string): readonly string[] {
  return membersOf.get(groupKey) ?? NO_GROUPS;
}

/** Other names of this name's primary group: Bill gives William, Will, Billy... */
export function nameVariants(given: string): readonly string[] {
  return variantsOf.get(given) ?? NO_GROUPS;
}

/** True when the name is a common given name in its own right (in the table or the list above). */
export function isKnownGivenName(given: string): boolean {
  return KNOWN.has(given);
}
