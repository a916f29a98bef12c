namespace TokenSkip.Pipeline.Synthetic;

/// <summary>The entities word problems are made of.</summary>
internal static class Vocabulary
{
    public static readonly (string Name, string Pronoun, string Possessive)[] People =
    [
        ("Mia", "she", "her"), ("Liam", "he", "his"), ("Ava", "she", "her"), ("Noah", "he", "his"),
        ("Emma", "she", "her"), ("Oliver", "he", "his"), ("Sofia", "she", "her"), ("Lucas", "he", "his"),
        ("Zoe", "she", "her"), ("Ethan", "he", "his"), ("Nora", "she", "her"), ("Omar", "he", "his"),
        ("Priya", "she", "her"), ("Kenji", "he", "his"), ("Lena", "she", "her"), ("Diego", "he", "his"),
    ];

    public static readonly string[] Items =
    [
        "apples", "marbles", "stickers", "pencils", "cookies", "books", "shells", "stamps",
        "cards", "balloons", "oranges", "crayons", "beads", "toy cars", "flowers", "eggs",
    ];

    public static readonly string[] Containers = ["boxes", "bags", "packs", "baskets", "jars", "crates"];

    public static readonly string[] Friends = ["a friend", "a neighbor", "a cousin", "a classmate", "a brother", "a sister"];

    public static readonly string[] Purchases = ["a toy", "a book", "a game", "a jacket", "a gift", "a lamp", "a bike bell", "a puzzle"];

    public static readonly string[] Vehicles = ["train", "bus", "truck", "car", "boat", "van"];

    public static readonly string[] Bakeries = ["bakery", "factory", "kitchen", "shop", "farm stand"];

    public static readonly string[] BakedGoods = ["muffins", "rolls", "cupcakes", "pies", "bagels", "tarts"];
}
